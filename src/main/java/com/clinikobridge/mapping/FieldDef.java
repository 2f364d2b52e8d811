package com.clinikobridge.mapping;

import java.util.List;

import com.clinikobridge.hubspot.PropertySpec;

/**
 * A source field a mapping can write: its key in the mapping file, the HubSpot property it goes
 * to by default (MAPPING.md), and the type a {@code cliniko_} property gets when the schema
 * step creates it.
 *
 * @param key the field's name in {@code jobs/cliniko-to-hubspot.yml}
 * @param property default HubSpot property; {@code cliniko_*} properties are ours to create
 * @param type HubSpot property type: string, number, date, datetime, enumeration
 * @param fieldType HubSpot field type: text, textarea, number, date, booleancheckbox, ...
 */
public record FieldDef(String key, String property, String type, String fieldType, String label) {

	static FieldDef hubspot(String key, String property) {
		return new FieldDef(key, property, null, null, null);
	}

	static FieldDef text(String key, String property, String label) {
		return new FieldDef(key, property, "string", "text", label);
	}

	static FieldDef textarea(String key, String property, String label) {
		return new FieldDef(key, property, "string", "textarea", label);
	}

	static FieldDef number(String key, String property, String label) {
		return new FieldDef(key, property, "number", "number", label);
	}

	static FieldDef date(String key, String property, String label) {
		return new FieldDef(key, property, "date", "date", label);
	}

	static FieldDef datetime(String key, String property, String label) {
		return new FieldDef(key, property, "datetime", "date", label);
	}

	static FieldDef checkbox(String key, String property, String label) {
		return new FieldDef(key, property, "enumeration", "booleancheckbox", label);
	}

	/** The spec of the property this field is written to, when it is one of ours to create. */
	PropertySpec specFor(String propertyName) {
		if (!propertyName.startsWith("cliniko_")) {
			return null;
		}
		if (type == null) {
			// A HubSpot-defined field moved to a property of ours: plain text.
			return PropertySpec.text(propertyName, key.replace('_', ' '));
		}
		List<String> options = fieldType.equals("booleancheckbox") ? List.of("true", "false") : List.of();
		return new PropertySpec(propertyName, label, type, fieldType, false, options);
	}
}
