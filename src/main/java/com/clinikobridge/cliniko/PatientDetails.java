package com.clinikobridge.cliniko;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * What a patient record does not carry itself, read once per patients step through the API:
 * medical alerts ({@code /medical_alerts}), referral sources ({@code /referral_sources} with
 * {@code /referral_source_types}) and the custom field definitions ({@code /settings}). Loading
 * whole lists costs one request per 100 records instead of one per patient.
 */
public final class PatientDetails {

	private final Map<Long, List<String>> alerts = new HashMap<>();

	private final Map<Long, String> referral = new HashMap<>();

	private final Map<Long, Long> referrerContact = new HashMap<>();

	private final Map<String, CustomFieldDefinition> customFields = new LinkedHashMap<>();

	private final java.util.Set<String> unavailable = new java.util.TreeSet<>();

	private PatientDetails() {
	}

	public static PatientDetails none() {
		return new PatientDetails();
	}

	/** Loads alerts, referral sources and custom field definitions. */
	public static PatientDetails load(ClinikoClient client) {
		PatientDetails d = new PatientDetails();
		client.eachOptional("/medical_alerts?per_page=100", "medical_alerts", d.unavailable, a -> {
			Long patient = ClinikoJson.linkedId(a, "patient");
			String name = ClinikoJson.text(a, "name");
			if (patient != null && name != null) {
				d.alerts.computeIfAbsent(patient, k -> new ArrayList<>()).add(name);
			}
		});
		Map<Long, String> typeNames = new HashMap<>();
		client.eachOptional("/referral_source_types?per_page=100&q%5B%5D=archived_at:*", "referral_source_types", d.unavailable,
				t -> typeNames.put(ClinikoJson.id(t, "id"), ClinikoJson.text(t, "name")));
		client.eachOptional("/referral_sources?per_page=100&q%5B%5D=archived_at:*", "referral_sources", d.unavailable, r -> {
			Long patient = ClinikoJson.linkedId(r, "patient");
			if (patient == null) {
				return;
			}
			List<String> parts = new ArrayList<>();
			String type = typeNames.get(ClinikoJson.linkedId(r, "referral_source_type"));
			if (type != null) {
				parts.add(type);
			}
			for (String field : new String[] { "subcategory", "notes" }) {
				String value = ClinikoJson.text(r, field);
				if (value != null) {
					parts.add(value);
				}
			}
			if (!parts.isEmpty()) {
				d.referral.put(patient, String.join(" / ", parts));
			}
			if ("Contact".equalsIgnoreCase(ClinikoJson.text(r, "referrer_type"))) {
				Long contact = ClinikoJson.linkedId(r, "referrer");
				if (contact != null) {
					d.referrerContact.put(patient, contact);
				}
			}
		});
		JsonNode settings;
		try {
			settings = client.get("/settings");
		}
		catch (com.clinikobridge.http.ApiUnavailableException ex) {
			// The key may lack the settings permission: carry on without custom fields.
			d.unavailable.add("settings");
			org.slf4j.LoggerFactory.getLogger(PatientDetails.class)
				.warn("Cliniko /settings unavailable ({}); custom fields are not migrated", ex.getMessage());
			return d;
		}
		for (JsonNode section : settings.path("patient_custom_fields_definition").path("sections")) {
			String sectionName = ClinikoJson.text(section, "name");
			boolean sectionArchived = section.path("archived").asBoolean(false);
			for (JsonNode f : section.path("fields")) {
				List<String> options = new ArrayList<>();
				for (JsonNode o : f.path("options")) {
					if (!o.path("archived").asBoolean(false) && ClinikoJson.text(o, "name") != null) {
						options.add(ClinikoJson.text(o, "name"));
					}
				}
				String token = ClinikoJson.text(f, "token");
				if (token != null) {
					d.customFields.put(token, new CustomFieldDefinition(token, ClinikoJson.text(f, "name"), sectionName,
							ClinikoJson.text(f, "type"), options, sectionArchived || f.path("archived").asBoolean(false)));
				}
			}
		}
		return d;
	}

	String medicalAlerts(long patientId) {
		List<String> list = alerts.get(patientId);
		return list == null ? null : String.join("\n", list);
	}

	String referralSource(long patientId) {
		return referral.get(patientId);
	}

	Long referrerContact(long patientId) {
		return referrerContact.get(patientId);
	}

	/** Lists the account or key lacked, so patients were migrated without them (e.g. medical_alerts). */
	public java.util.Set<String> unavailable() {
		return unavailable;
	}

	/** Custom field definitions by token, in the order Cliniko lists them. */
	public Map<String, CustomFieldDefinition> customFields() {
		return customFields;
	}
}
