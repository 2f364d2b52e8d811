package com.clinikobridge.mapping;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.clinikobridge.cliniko.CustomFieldDefinition;
import com.clinikobridge.hubspot.PropertySpec;

/**
 * Patient custom fields → {@code cliniko_cf_<slug>} contact properties (MAPPING.md, Patients →
 * contacts): text → string/text, paragraph → string/textarea, date → date, checkboxes →
 * enumeration/checkbox, radiobuttons → enumeration/radio. The slug comes from the field name
 * and is made unique (a second "Notes" becomes {@code cliniko_cf_notes_2}). Archived fields are
 * still migrated, since patients may hold answers to them.
 */
public final class CustomFields {

	static final String PREFIX = "cliniko_cf_";

	private CustomFields() {
	}

	/** Property spec per field token, in definition order, for a portal with no names given yet. */
	public static Map<String, PropertySpec> properties(Map<String, CustomFieldDefinition> definitions) {
		return properties(definitions, Map.of());
	}

	/**
	 * Property spec per field token, in definition order. A token that was given a property name
	 * before ({@code known}, from the ledger) keeps it; a new one gets a free name from its slug.
	 */
	public static Map<String, PropertySpec> properties(Map<String, CustomFieldDefinition> definitions,
			Map<String, String> known) {
		Map<String, PropertySpec> specs = new LinkedHashMap<>();
		Set<String> taken = new HashSet<>(known.values());
		for (CustomFieldDefinition d : definitions.values()) {
			String name = known.get(d.token());
			if (name == null) {
				String base = PREFIX + slug(d.name());
				name = base;
				for (int n = 2; !taken.add(name); n++) {
					name = base + "_" + n;
				}
			}
			String label = d.name() + (d.section() == null ? "" : " (" + d.section() + ")");
			PropertySpec spec = switch (d.type() == null ? "" : d.type()) {
				case "paragraph" -> PropertySpec.textarea(name, label);
				case "date" -> PropertySpec.date(name, label);
				case "checkboxes" -> new PropertySpec(name, label, "enumeration", "checkbox", false, optionValues(d));
				case "radiobuttons" -> new PropertySpec(name, label, "enumeration", "radio", false, optionValues(d));
				default -> PropertySpec.text(name, label);
			};
			specs.put(d.token(), spec);
		}
		return specs;
	}

	/** Option values: the option names as Cliniko has them (an "other" answer may add its text). */
	private static List<String> optionValues(CustomFieldDefinition d) {
		return d.options();
	}

	static String slug(String name) {
		String ascii = Normalizer.normalize(name == null ? "field" : name, Normalizer.Form.NFD)
			.replaceAll("\\p{M}", "")
			.toLowerCase(Locale.ROOT)
			.replaceAll("[^a-z0-9]+", "_")
			.replaceAll("^_+|_+$", "");
		if (ascii.isEmpty()) {
			ascii = "field";
		}
		return ascii.length() > 60 ? ascii.substring(0, 60) : ascii;
	}
}
