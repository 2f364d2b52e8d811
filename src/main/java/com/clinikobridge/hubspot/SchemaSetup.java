package com.clinikobridge.hubspot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes sure the portal has what the mapping writes (HubSpot DIGEST §8, §10): the
 * {@code cliniko} property group on each object type, each custom property and unique ID
 * property, and the "Cliniko invoices" deal pipeline with stages Open, Paid, Closed and Open
 * credit. Creates only what is missing, so it is idempotent.
 */
public final class SchemaSetup {

	public static final String GROUP = "cliniko";

	/** Win probability of each stage, by the mapping file's invoice status key. */
	static final Map<String, String> PROBABILITY = Map.of("open", "0.5", "paid", "1.0", "closed", "0.0",
			"open_credit", "0.5");

	/** Invoice status code by the mapping file's status key. */
	static final Map<String, Integer> STATUS = Map.of("open", 10, "paid", 20, "closed", 30, "open_credit", 40);

	private static final Logger log = LoggerFactory.getLogger(SchemaSetup.class);

	private final HubSpotClient client;

	private final Recorder recorder;

	/** Told of each schema object just before it is created, so a rollback can remove it. */
	@FunctionalInterface
	public interface Recorder {

		/**
		 * @param kind {@code property}, {@code group} or {@code pipeline}
		 * @param name the property or group name, or the pipeline's label
		 */
		void creating(String kind, String objectType, String name);

	}

	public SchemaSetup(HubSpotClient client) {
		this(client, (kind, objectType, name) -> {
		});
	}

	public SchemaSetup(HubSpotClient client, Recorder recorder) {
		this.client = client;
		this.recorder = recorder;
	}

	/**
	 * Creates the missing groups and properties per object type. A portal that refuses a unique
	 * ID property on an object type gets the property without {@code hasUniqueValue}; that type is
	 * then written through the bridge's own id map instead of upserts.
	 * @return the object types without a unique ID property
	 */
	public Set<String> ensureProperties(Map<String, List<PropertySpec>> byObjectType) {
		int created = 0;
		Set<String> withoutUniqueId = new java.util.LinkedHashSet<>();
		for (Map.Entry<String, List<PropertySpec>> entry : byObjectType.entrySet()) {
			String type = entry.getKey();
			if (!client.propertyGroups(type).contains(GROUP)) {
				recorder.creating("group", type, GROUP);
				client.createPropertyGroup(type, GROUP, "Cliniko");
			}
			Map<String, JsonNode> existing = client.properties(type);
			List<ObjectNode> missing = new java.util.ArrayList<>();
			for (PropertySpec spec : entry.getValue()) {
				JsonNode found = existing.get(spec.name());
				if (found != null) {
					if (spec.unique() && !found.path("hasUniqueValue").asBoolean(false)) {
						withoutUniqueId.add(type);
					}
					addMissingOptions(type, spec, found);
				}
				else if (spec.unique()) {
					// One at a time, so a refusal is known to be about this property.
					recorder.creating("property", type, spec.name());
					try {
						client.createProperties(type, List.of(definition(spec))).forEach(message -> {
							throw new HubSpotException(400, "VALIDATION_ERROR", message);
						});
					}
					catch (HubSpotException ex) {
						if (ex.status() != 400) {
							throw ex;
						}
						log.warn("HubSpot refused a unique ID property on {}; using the id map for {}", type, type);
						withoutUniqueId.add(type);
						client.createProperties(type, List.of(definition(new PropertySpec(spec.name(), spec.label(),
								spec.type(), spec.fieldType(), false, spec.options()))));
					}
					created++;
				}
				else {
					recorder.creating("property", type, spec.name());
					missing.add(definition(spec));
				}
			}
			if (!missing.isEmpty()) {
				List<String> refused = client.createProperties(type, missing);
				if (!refused.isEmpty()) {
					throw new PortalSetupException("HubSpot refused " + type + " properties: " + String.join("; ", refused));
				}
				created += missing.size();
			}
		}
		log.info("HubSpot properties checked; {} created", created);
		return withoutUniqueId;
	}

	/**
	 * What the portal lacks for the mapping, one line per change, without changing anything:
	 * missing groups, missing properties (with type and uniqueness), properties whose type
	 * differs from what the mapping needs, and a missing deal pipeline or stage.
	 */
	public List<String> difference(Map<String, List<PropertySpec>> byObjectType, String pipelineLabel,
			String pipelineId, Map<String, String> stages) {
		List<String> changes = new java.util.ArrayList<>();
		for (Map.Entry<String, List<PropertySpec>> entry : byObjectType.entrySet()) {
			String type = entry.getKey();
			if (!client.propertyGroups(type).contains(GROUP)) {
				changes.add(type + ": create property group '" + GROUP + "'");
			}
			Map<String, JsonNode> existing = client.properties(type);
			for (PropertySpec spec : entry.getValue()) {
				JsonNode found = existing.get(spec.name());
				String wanted = spec.type() + "/" + spec.fieldType() + (spec.unique() ? ", unique" : "");
				if (found == null) {
					changes.add(type + ": create property " + spec.name() + " (" + wanted + ")");
				}
				else {
					String has = found.path("type").asString("") + "/" + found.path("fieldType").asString("")
							+ (found.path("hasUniqueValue").asBoolean(false) ? ", unique" : "");
					if (!has.equals(wanted)) {
						changes.add(type + ": property " + spec.name() + " is " + has + " but the mapping needs " + wanted
								+ " (not changed automatically)");
					}
				}
			}
		}
		if (pipelineId != null) {
			if (findPipeline(p -> pipelineId.equals(p.path("id").asString(null))) == null) {
				changes.add("deals: the configured pipeline '" + pipelineId + "' does not exist");
			}
		}
		else {
			JsonNode pipeline = findPipeline(p -> pipelineLabel.equals(p.path("label").asString(null)));
			if (pipeline == null) {
				changes.add("deals: create pipeline '" + pipelineLabel + "' with stages "
						+ String.join(", ", stages.values()));
			}
			else {
				for (String stage : stages.values()) {
					boolean has = false;
					for (JsonNode st : pipeline.path("stages")) {
						has |= stage.equals(st.path("label").asString(null)) || stage.equals(st.path("id").asString(null));
					}
					if (!has) {
						changes.add("deals: pipeline '" + pipelineLabel + "' has no stage '" + stage
								+ "' (not changed automatically)");
					}
				}
			}
		}
		return changes;
	}

	/**
	 * An enumeration property made by an earlier run lacks options added in Cliniko since (a new
	 * custom-field choice): adds them, keeping the existing ones, so no value is refused.
	 */
	private void addMissingOptions(String type, PropertySpec spec, JsonNode found) {
		if (spec.options().isEmpty() || !"enumeration".equals(found.path("type").asString(""))) {
			return;
		}
		java.util.Set<String> has = new java.util.LinkedHashSet<>();
		found.path("options").forEach(o -> has.add(o.path("value").asString()));
		List<String> missing = spec.options().stream().filter(o -> !has.contains(o)).toList();
		if (missing.isEmpty()) {
			return;
		}
		ArrayNode options = HubSpotClient.JSON.createArrayNode();
		found.path("options").forEach(options::add);
		int order = options.size();
		for (String option : missing) {
			options.addObject().put("label", option).put("value", option).put("displayOrder", order++).put("hidden", false);
		}
		ObjectNode body = HubSpotClient.JSON.createObjectNode();
		body.set("options", options);
		client.updateProperty(type, spec.name(), body);
		log.info("Added {} option(s) to a {} property", missing.size(), type);
	}

	private static ObjectNode definition(PropertySpec spec) {
		ObjectNode body = HubSpotClient.JSON.createObjectNode()
			.put("name", spec.name())
			.put("label", spec.label())
			.put("groupName", GROUP)
			.put("type", spec.type())
			.put("fieldType", spec.fieldType());
		if (spec.unique()) {
			body.put("hasUniqueValue", true);
		}
		if (!spec.options().isEmpty()) {
			ArrayNode options = body.putArray("options");
			int order = 0;
			for (String option : spec.options()) {
				options.addObject()
					.put("label", option.substring(0, 1).toUpperCase() + option.substring(1))
					.put("value", option)
					.put("displayOrder", order++)
					.put("hidden", false);
			}
		}
		return body;
	}

	/**
	 * The deal pipeline invoices go to, and the stage id for each invoice status. With a
	 * configured {@code pipelineId} (a portal without room for another pipeline) that pipeline is
	 * used and each stage is matched by id or label; otherwise the pipeline with
	 * {@code pipelineLabel} is found or created with one stage per status.
	 * @param stages status key (open, paid, closed, open_credit) → stage label or id
	 * @throws HubSpotException naming what to configure when the portal refuses or lacks it
	 */
	public PortalSchema ensureDealPipeline(String pipelineLabel, String pipelineId, Map<String, String> stages) {
		JsonNode pipeline;
		if (pipelineId != null) {
			pipeline = findPipeline(p -> pipelineId.equals(p.path("id").asString(null)));
			if (pipeline == null) {
				throw new PortalSetupException("the deal pipeline '" + pipelineId
						+ "' set as objects.invoices.pipeline.id in the mapping file does not exist");
			}
		}
		else {
			pipeline = findPipeline(p -> pipelineLabel.equals(p.path("label").asString(null)));
			if (pipeline == null) {
				pipeline = createPipeline(pipelineLabel, stages);
			}
		}
		return portalSchema(pipeline, stages);
	}

	/**
	 * Read-only: the deal pipeline the mapping names (by id, else by label) with its stage ids,
	 * when the portal has it; nothing is created.
	 */
	public java.util.Optional<PortalSchema> findDealPipeline(String pipelineLabel, String pipelineId,
			Map<String, String> stages) {
		JsonNode pipeline = findPipeline(p -> pipelineId != null ? pipelineId.equals(p.path("id").asString(null))
				: pipelineLabel.equals(p.path("label").asString(null)));
		return pipeline == null ? java.util.Optional.empty() : java.util.Optional.of(portalSchema(pipeline, stages));
	}

	/**
	 * Read-only: the object types whose unique ID property exists without
	 * {@code hasUniqueValue}, so their records are found through the id map.
	 */
	public Set<String> typesWithoutUniqueId(Map<String, List<PropertySpec>> byObjectType) {
		Set<String> types = new java.util.LinkedHashSet<>();
		byObjectType.forEach((type, specs) -> {
			Map<String, JsonNode> existing = client.properties(type);
			for (PropertySpec spec : specs) {
				JsonNode found = existing.get(spec.name());
				if (spec.unique() && found != null && !found.path("hasUniqueValue").asBoolean(false)) {
					types.add(type);
				}
			}
		});
		return types;
	}

	private static PortalSchema portalSchema(JsonNode pipeline, Map<String, String> stages) {
		Map<Integer, String> stageIds = new LinkedHashMap<>();
		for (Map.Entry<String, String> stage : stages.entrySet()) {
			for (JsonNode s : pipeline.path("stages")) {
				if (stage.getValue().equals(s.path("id").asString(null))
						|| stage.getValue().equals(s.path("label").asString(null))) {
					stageIds.put(STATUS.get(stage.getKey()), s.path("id").asString());
				}
			}
			if (!stageIds.containsKey(STATUS.get(stage.getKey()))) {
				throw new PortalSetupException("the deal pipeline '" + pipeline.path("label").asString("")
						+ "' has no stage '" + stage.getValue() + "' for " + stage.getKey()
						+ " invoices (objects.invoices.stages in the mapping file)");
			}
		}
		return new PortalSchema(pipeline.path("id").asString(), stageIds);
	}

	private JsonNode createPipeline(String label, Map<String, String> stages) {
		ObjectNode body = HubSpotClient.JSON.createObjectNode().put("label", label).put("displayOrder", 99);
		ArrayNode list = body.putArray("stages");
		int order = 0;
		for (Map.Entry<String, String> stage : stages.entrySet()) {
			ObjectNode s = list.addObject().put("label", stage.getValue()).put("displayOrder", order++);
			s.putObject("metadata").put("probability", PROBABILITY.get(stage.getKey()));
		}
		recorder.creating("pipeline", "deals", label);
		try {
			JsonNode created = client.createPipeline("deals", body);
			log.info("Created a deal pipeline for invoices");
			return created;
		}
		catch (HubSpotException ex) {
			if (ex.status() == 409) {
				// An earlier attempt whose answer was lost created it.
				JsonNode found = findPipeline(p -> label.equals(p.path("label").asString(null)));
				if (found != null) {
					return found;
				}
			}
			throw new PortalSetupException("HubSpot refused to create the deal pipeline '" + label + "' ("
					+ ex.withoutValues() + "). To use an existing pipeline instead, set"
					+ " objects.invoices.pipeline.id and objects.invoices.stages in the mapping file.", ex);
		}
	}

	private JsonNode findPipeline(java.util.function.Predicate<JsonNode> match) {
		return client.pipelines("deals").stream().filter(match).findFirst().orElse(null);
	}
}
