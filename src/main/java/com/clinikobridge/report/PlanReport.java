package com.clinikobridge.report;

import java.time.Instant;
import java.util.List;

/**
 * The content of a migration plan ({@code plan} command; {@code plan.json} and {@code plan.html}):
 * the source inventory, owner resolution, custom fields, schema changes, shared emails, merged
 * patients, what does not migrate and how to rebuild it, and the API budget.
 *
 * @param fingerprint hash of the inventory counts and the mapping file; approval is of this value
 */
public record PlanReport(String runId, String source, String mappingFile, Instant createdAt, String fingerprint,
		boolean approved, List<InventoryRow> inventory, List<OwnerRow> practitioners,
		List<CustomFieldRow> customFields, List<String> schemaChanges, boolean schemaFromPortal,
		List<SharedEmailGroup> sharedEmails, List<MergedPatient> mergedPatients, List<RebuildItem> rebuild,
		Estimate estimate, List<String> portalWarnings) {

	/** A plan with nothing to say about what the portal already holds. */
	public PlanReport(String runId, String source, String mappingFile, Instant createdAt, String fingerprint,
			boolean approved, List<InventoryRow> inventory, List<OwnerRow> practitioners,
			List<CustomFieldRow> customFields, List<String> schemaChanges, boolean schemaFromPortal,
			List<SharedEmailGroup> sharedEmails, List<MergedPatient> mergedPatients, List<RebuildItem> rebuild,
			Estimate estimate) {
		this(runId, source, mappingFile, createdAt, fingerprint, approved, inventory, practitioners, customFields,
				schemaChanges, schemaFromPortal, sharedEmails, mergedPatients, rebuild, estimate, List.of());
	}

	/**
	 * One object of the source. {@code archived} and {@code cancelled} are part of {@code total};
	 * -1 means the source cannot tell (CSV exports carry no archived flag).
	 */
	public record InventoryRow(String object, String hubspotObject, long total, long archived, long cancelled,
			String note) {
	}

	/** A practitioner and its owner: status is matched, fallback or unresolved. */
	public record OwnerRow(String practitionerId, String practitioner, String status, String matchedBy,
			String ownerId) {
	}

	/** A patient custom field and the contact property it becomes. */
	public record CustomFieldRow(String section, String field, String type, String property, String propertyType,
			boolean archived) {
	}

	/** Patients sharing one email: the keeper (lowest id) keeps it. {@code maskedEmail} hides the local part. */
	public record SharedEmailGroup(String maskedEmail, String keeperId, List<String> otherIds) {
	}

	/** A merged-away patient and the survivor its records attach to (after following chains). */
	public record MergedPatient(String patientId, String survivorId) {
	}

	/** Something that does not migrate, and how a clinic rebuilds it in HubSpot. */
	public record RebuildItem(String item, String rebuildInHubSpot) {
	}

	/**
	 * The API budget of a full migration at the configured rates.
	 * @param boundMinutes max(Cliniko minutes, HubSpot minutes): no tool can be faster
	 * @param expectedMinutes Cliniko minutes + HubSpot minutes: this tool reads and writes in turn
	 */
	public record Estimate(long clinikoRequests, long hubspotRequests, int clinikoPerMinute, double hubspotPerSecond,
			double clinikoMinutes, double hubspotMinutes, double boundMinutes, double expectedMinutes) {
	}
}
