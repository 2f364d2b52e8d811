package com.clinikobridge.hubspot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

	public static final String PIPELINE_LABEL = "Cliniko invoices";

	/** Stage labels and win probabilities, by Cliniko invoice status code. */
	static final Map<Integer, String[]> STAGES = new LinkedHashMap<>();

	static {
		STAGES.put(10, new String[] { "Open", "0.5" });
		STAGES.put(20, new String[] { "Paid", "1.0" });
		STAGES.put(30, new String[] { "Closed", "0.0" });
		STAGES.put(40, new String[] { "Open credit", "0.5" });
	}

	private static final Logger log = LoggerFactory.getLogger(SchemaSetup.class);

	private final HubSpotClient client;

	public SchemaSetup(HubSpotClient client) {
		this.client = client;
	}

	/**
	 * Creates the missing groups and properties per object type.
	 * @return how many properties were created
	 */
	public int ensureProperties(Map<String, List<PropertySpec>> byObjectType) {
		int created = 0;
		for (Map.Entry<String, List<PropertySpec>> entry : byObjectType.entrySet()) {
			String type = entry.getKey();
			if (!client.propertyGroups(type).contains(GROUP)) {
				client.createPropertyGroup(type, GROUP, "Cliniko");
			}
			Map<String, JsonNode> existing = client.properties(type);
			List<ObjectNode> missing = new java.util.ArrayList<>();
			for (PropertySpec spec : entry.getValue()) {
				if (!existing.containsKey(spec.name())) {
					missing.add(definition(spec));
				}
			}
			if (!missing.isEmpty()) {
				List<String> refused = client.createProperties(type, missing);
				if (!refused.isEmpty()) {
					throw new HubSpotException(400, "VALIDATION_ERROR",
							"HubSpot refused " + type + " properties: " + String.join("; ", refused));
				}
				created += missing.size();
			}
		}
		log.info("HubSpot properties checked; {} created", created);
		return created;
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

	/** Finds or creates the "Cliniko invoices" deal pipeline and maps invoice statuses to its stages. */
	public PortalSchema ensureDealPipeline() {
		JsonNode pipeline = findPipeline();
		if (pipeline == null) {
			ObjectNode body = HubSpotClient.JSON.createObjectNode().put("label", PIPELINE_LABEL).put("displayOrder", 99);
			ArrayNode stages = body.putArray("stages");
			int order = 0;
			for (String[] stage : STAGES.values()) {
				ObjectNode s = stages.addObject().put("label", stage[0]).put("displayOrder", order++);
				s.putObject("metadata").put("probability", stage[1]);
			}
			try {
				pipeline = client.createPipeline("deals", body);
				log.info("Created the deal pipeline '{}'", PIPELINE_LABEL);
			}
			catch (HubSpotException ex) {
				// 409: an earlier attempt whose answer was lost created it.
				pipeline = ex.status() == 409 ? findPipeline() : null;
				if (pipeline == null) {
					throw ex;
				}
			}
		}
		Map<Integer, String> stageIds = new LinkedHashMap<>();
		for (Map.Entry<Integer, String[]> stage : STAGES.entrySet()) {
			for (JsonNode s : pipeline.path("stages")) {
				if (stage.getValue()[0].equals(s.path("label").asString(null))) {
					stageIds.put(stage.getKey(), s.path("id").asString());
				}
			}
			if (!stageIds.containsKey(stage.getKey())) {
				throw new HubSpotException(400, "VALIDATION_ERROR", "the deal pipeline '" + PIPELINE_LABEL
						+ "' has no stage '" + stage.getValue()[0] + "'");
			}
		}
		return new PortalSchema(pipeline.path("id").asString(), stageIds);
	}

	private JsonNode findPipeline() {
		return client.pipelines("deals")
			.stream()
			.filter(p -> PIPELINE_LABEL.equals(p.path("label").asString(null)))
			.findFirst()
			.orElse(null);
	}
}
