package com.clinikobridge.mapping;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Loads and checks the mapping file ({@code jobs/cliniko-to-hubspot.yml}, or the file given by
 * {@code --mapping}). Anything it leaves out keeps the MAPPING.md default; a field mapped to an
 * empty value is not migrated. Every unknown object, field, option or value is refused with a
 * {@link MappingException} that names the file, the line and what was expected.
 */
public final class MappingFile {

	/** The default file, relative to the working directory. */
	public static final Path DEFAULT = Path.of("jobs", "cliniko-to-hubspot.yml");

	static final Set<String> OUTCOME_VALUES = Set.of("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED");

	static final List<String> OUTCOME_KEYS = List.of("cancelled", "did_not_arrive", "future", "past");

	static final List<String> STAGE_KEYS = List.of("open", "paid", "closed", "open_credit");

	private final String file;

	private MappingFile(String file) {
		this.file = file;
	}

	/** The MAPPING.md defaults, as if the file were empty. */
	public static Mapping defaults() {
		return new MappingFile("(defaults)").build(null);
	}

	/**
	 * Loads a mapping file; when {@code path} is the default file and it does not exist, the
	 * built-in defaults are used.
	 * @throws MappingException when the file is unreadable or wrong
	 */
	/** The largest mapping file read, in bytes (1 MiB). */
	static final int MAX_BYTES = 1024 * 1024;

	/** The most aliases of collections a mapping file may use. */
	static final int MAX_ALIASES = 10;

	public static Mapping load(Path path, boolean explicit) {
		MappingFile loader = new MappingFile(path.toString());
		if (!Files.exists(path)) {
			if (explicit) {
				throw new MappingException(path.toString(), 0, "no such file");
			}
			return defaults();
		}
		try {
			if (Files.size(path) > MAX_BYTES) {
				throw new MappingException(path.toString(), 0, "larger than " + MAX_BYTES / 1024 + " KiB ("
						+ Files.size(path) + " bytes): a mapping file is a few hundred lines");
			}
		}
		catch (IOException ex) {
			throw new MappingException(path.toString(), 0, "cannot read: " + ex.getMessage());
		}
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(MAX_ALIASES); // no "billion laughs"
		options.setCodePointLimit(MAX_BYTES);
		options.setAllowRecursiveKeys(false);
		try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
			Node root = new Yaml(options).compose(reader);
			return loader.build(root);
		}
		catch (MarkedYAMLException ex) {
			int line = ex.getProblemMark() == null ? 0 : ex.getProblemMark().getLine() + 1;
			throw new MappingException(path.toString(), line, "not valid YAML: " + ex.getProblem());
		}
		catch (org.yaml.snakeyaml.error.YAMLException ex) {
			throw new MappingException(path.toString(), 0, "not accepted: " + ex.getMessage());
		}
		catch (IOException ex) {
			throw new MappingException(path.toString(), 0, "cannot read: " + ex.getMessage());
		}
	}

	private Mapping build(Node root) {
		Map<String, Map<String, String>> properties = new LinkedHashMap<>();
		for (ObjectMapping object : ObjectMapping.ORDER) {
			Map<String, String> fields = new LinkedHashMap<>();
			object.fields().forEach(f -> fields.put(f.key(), f.property()));
			properties.put(object.clinikoName(), fields);
		}
		Map<String, String> outcomes = new LinkedHashMap<>(Map.of("cancelled", "CANCELED", "did_not_arrive",
				"NO_SHOW", "future", "SCHEDULED", "past", "COMPLETED"));
		Map<String, String> stages = new LinkedHashMap<>();
		stages.put("open", "Open");
		stages.put("paid", "Paid");
		stages.put("closed", "Closed");
		stages.put("open_credit", "Open credit");
		String[] pipeline = { "Cliniko invoices", null };
		boolean[] flags = { false, true };
		String[] fallback = { null };
		Map<String, Integer> lines = new LinkedHashMap<>();

		if (root != null) {
			for (NodeTuple top : entries(root, "the mapping file")) {
				String key = key(top);
				Node value = top.getValueNode();
				switch (key) {
					case "version" -> {
						if (!"1".equals(scalar(value, "version"))) {
							throw error(value, "version must be 1");
						}
					}
					case "options" -> {
						for (NodeTuple option : entries(value, "options")) {
							switch (key(option)) {
								case "preferred_first_name" -> flags[0] = bool(option.getValueNode());
								case "include_draft_notes" -> flags[1] = bool(option.getValueNode());
								case "fallback_owner_email" -> fallback[0] = blankToNull(scalar(option.getValueNode(), "email"));
								default -> throw error(option.getKeyNode(), "unknown option '" + key(option)
										+ "'; expected preferred_first_name, fallback_owner_email or include_draft_notes");
							}
						}
					}
					case "objects" -> {
						for (NodeTuple o : entries(value, "objects")) {
							String name = key(o);
							ObjectMapping object = ObjectMapping.byName(name)
								.orElseThrow(() -> error(o.getKeyNode(), "unknown object '" + name + "'; expected one of "
										+ ObjectMapping.ORDER.stream().map(ObjectMapping::clinikoName).collect(Collectors.joining(", "))));
							readObject(object, o.getValueNode(), properties.get(name), outcomes, stages, pipeline, lines);
						}
					}
					default -> throw error(top.getKeyNode(), "unknown key '" + key + "'; expected version, options or objects");
				}
			}
		}
		return new Mapping(file, properties, outcomes, pipeline[0], pipeline[1], stages, flags[0], fallback[0], flags[1],
				lines);
	}

	private void readObject(ObjectMapping object, Node node, Map<String, String> fields, Map<String, String> outcomes,
			Map<String, String> stages, String[] pipeline, Map<String, Integer> lines) {
		for (NodeTuple section : entries(node, object.clinikoName())) {
			String key = key(section);
			Node value = section.getValueNode();
			if (key.equals("properties")) {
				for (NodeTuple f : entries(value, object.clinikoName() + ".properties")) {
					String field = key(f);
					if (object.field(field).isEmpty()) {
						throw error(f.getKeyNode(), "unknown field '" + field + "' of " + object.clinikoName()
								+ "; expected one of " + object.fields().stream().map(FieldDef::key).collect(Collectors.joining(", ")));
					}
					String property = blankToNull(scalar(f.getValueNode(), "a HubSpot property name"));
					if (property != null && !property.matches("[a-z][a-z0-9_]{0,99}")) {
						throw error(f.getValueNode(), "'" + property + "' is not a HubSpot property name"
								+ " (lowercase letters, digits and _, starting with a letter)");
					}
					if (object.idProperty().equals(property)) {
						throw error(f.getValueNode(), property + " is the unique ID property of " + object.clinikoName());
					}
					fields.put(field, property);
					lines.put(object.clinikoName() + "." + field, f.getValueNode().getStartMark().getLine() + 1);
				}
			}
			else if (key.equals("outcomes") && object == ObjectMapping.APPOINTMENTS) {
				for (NodeTuple f : entries(value, "appointments.outcomes")) {
					String state = key(f);
					if (!OUTCOME_KEYS.contains(state)) {
						throw error(f.getKeyNode(), "unknown appointment state '" + state + "'; expected one of "
								+ String.join(", ", OUTCOME_KEYS));
					}
					String outcome = scalar(f.getValueNode(), "a meeting outcome");
					if (!OUTCOME_VALUES.contains(outcome)) {
						throw error(f.getValueNode(), "unknown meeting outcome '" + outcome + "'; expected one of "
								+ String.join(", ", OUTCOME_VALUES.stream().sorted().toList()));
					}
					outcomes.put(state, outcome);
				}
			}
			else if (key.equals("stages") && object == ObjectMapping.INVOICES) {
				for (NodeTuple f : entries(value, "invoices.stages")) {
					String status = key(f);
					if (!STAGE_KEYS.contains(status)) {
						throw error(f.getKeyNode(), "unknown invoice status '" + status + "'; expected one of "
								+ String.join(", ", STAGE_KEYS));
					}
					String stage = blankToNull(scalar(f.getValueNode(), "a stage"));
					if (stage == null) {
						throw error(f.getValueNode(), "the stage for " + status + " is empty");
					}
					stages.put(status, stage);
				}
			}
			else if (key.equals("pipeline") && object == ObjectMapping.INVOICES) {
				for (NodeTuple f : entries(value, "invoices.pipeline")) {
					switch (key(f)) {
						case "label" -> pipeline[0] = blankToNull(scalar(f.getValueNode(), "a pipeline label"));
						case "id" -> pipeline[1] = blankToNull(scalar(f.getValueNode(), "a pipeline id"));
						default -> throw error(f.getKeyNode(), "unknown pipeline key '" + key(f) + "'; expected label or id");
					}
				}
				if (pipeline[0] == null && pipeline[1] == null) {
					throw error(value, "invoices.pipeline needs a label or an id");
				}
			}
			else {
				String expected = object == ObjectMapping.APPOINTMENTS ? "properties or outcomes"
						: object == ObjectMapping.INVOICES ? "properties, pipeline or stages" : "properties";
				throw error(section.getKeyNode(), "unknown key '" + key + "' for " + object.clinikoName() + "; expected "
						+ expected);
			}
		}
	}

	private List<NodeTuple> entries(Node node, String what) {
		if (node instanceof ScalarNode s && (s.getValue() == null || s.getValue().isEmpty())) {
			return List.of();
		}
		if (!(node instanceof MappingNode m)) {
			throw error(node, what + " must be a map of key: value");
		}
		return m.getValue();
	}

	private String key(NodeTuple tuple) {
		return scalar(tuple.getKeyNode(), "a key");
	}

	private String scalar(Node node, String what) {
		if (!(node instanceof ScalarNode s)) {
			throw error(node, "expected " + what + " here");
		}
		return s.getValue();
	}

	private boolean bool(Node node) {
		String value = scalar(node, "true or false");
		if (value.equals("true") || value.equals("false")) {
			return Boolean.parseBoolean(value);
		}
		throw error(node, "expected true or false, not '" + value + "'");
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() || s.equals("~") || s.equals("null") ? null : s.trim();
	}

	private MappingException error(Node node, String message) {
		return new MappingException(file, node.getStartMark().getLine() + 1, message);
	}
}
