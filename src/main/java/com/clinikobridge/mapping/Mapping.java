package com.clinikobridge.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.clinikobridge.hubspot.PropertySpec;

/**
 * A loaded, validated mapping file ({@code jobs/cliniko-to-hubspot.yml}): per object, which
 * HubSpot property each source field goes to (or none); the value maps (appointment state →
 * meeting outcome, invoice status → deal stage); the deal pipeline; and the options.
 *
 * @param properties object name → field key → HubSpot property (absent: not migrated)
 * @param outcomes cancelled, did_not_arrive, future, past → {@code hs_meeting_outcome} value
 * @param stages open, paid, closed, open_credit → stage label (or stage id when
 * {@code pipelineId} is set)
 * @param pipelineId an existing deal pipeline to use instead of creating one, or null
 */
public record Mapping(String source, Map<String, Map<String, String>> properties, Map<String, String> outcomes,
		String pipelineLabel, String pipelineId, Map<String, String> stages, boolean preferredFirstName,
		String fallbackOwnerEmail, boolean includeDraftNotes, Map<String, Integer> lines) {

	/**
	 * Checks that every property the mapping file names instead of a default, and that is not one
	 * of ours ({@code cliniko_*}, created by the schema step), exists in the portal.
	 * @param portalProperties HubSpot object type → names of its properties
	 * @throws MappingException naming the file, the line and the property
	 */
	public void checkAgainstPortal(java.util.function.Function<String, java.util.Set<String>> portalProperties,
			java.util.Set<String> objects) {
		for (ObjectMapping object : ObjectMapping.ORDER) {
			if (!objects.contains(object.clinikoName())) {
				continue;
			}
			java.util.Set<String> existing = null;
			for (FieldDef field : object.fields()) {
				String property = property(object, field.key());
				if (property == null || property.startsWith("cliniko_") || property.equals(field.property())) {
					continue; // ours to create, or a HubSpot-defined default of MAPPING.md
				}
				if (existing == null) {
					existing = portalProperties.apply(object.hubspotType());
				}
				if (!existing.contains(property)) {
					throw new MappingException(source, lines.getOrDefault(object.clinikoName() + "." + field.key(), 0),
							"HubSpot " + object.hubspotType() + " have no property '" + property + "' (for "
									+ object.clinikoName() + "." + field.key()
									+ "); expected an existing property, or a cliniko_ name for the bridge to create");
				}
			}
		}
	}

	/** Invoice status code → stage key in {@link #stages}. */
	public static String stageKey(int status) {
		return switch (status) {
			case 10 -> "open";
			case 20 -> "paid";
			case 30 -> "closed";
			case 40 -> "open_credit";
			default -> null;
		};
	}

	/** The HubSpot property a field of an object goes to, or null when it is not migrated. */
	public String property(ObjectMapping object, String fieldKey) {
		return properties.getOrDefault(object.clinikoName(), Map.of()).get(fieldKey);
	}

	/**
	 * The custom properties the mapping writes, by HubSpot object type: each object's unique ID
	 * property, the {@code cliniko_} properties its fields go to, and one property per patient
	 * custom field.
	 */
	public Map<String, List<PropertySpec>> schema(Map<String, PropertySpec> customFields) {
		return schema(customFields, null);
	}

	/**
	 * Like {@link #schema(Map)}, for the given objects only (all when null).
	 * @param customFields the custom field properties by token ({@link CustomFields#properties})
	 */
	public Map<String, List<PropertySpec>> schema(Map<String, PropertySpec> customFields,
			java.util.Set<String> objects) {
		Map<String, List<PropertySpec>> byType = new LinkedHashMap<>();
		for (ObjectMapping object : ObjectMapping.ORDER) {
			if (objects != null && !objects.contains(object.clinikoName())) {
				continue;
			}
			List<PropertySpec> specs = new ArrayList<>();
			specs.add(PropertySpec.uniqueId(object.idProperty(), "Cliniko " + object.clinikoName() + " ID"));
			for (FieldDef field : object.fields()) {
				String property = property(object, field.key());
				PropertySpec spec = property == null ? null : field.specFor(property);
				if (spec != null) {
					specs.add(spec);
				}
			}
			if (object == ObjectMapping.PATIENTS) {
				customFields.forEach((token, spec) -> specs.add(spec));
			}
			byType.put(object.hubspotType(), specs);
		}
		return byType;
	}
}
