package com.clinikobridge.hubspot;

/**
 * Every HubSpot API path the bridge calls, in one place, because HubSpot replaced v1–v4 with
 * date-based versions on 2026-03-30 (HubSpot DIGEST §0). {@code legacy} uses
 * {@code /crm/v3/...} and {@code /crm/v4/associations/...}, supported until 2027; a version
 * such as {@code 2026-03} uses {@code /crm/objects/2026-03/...} and its siblings.
 *
 * @param version {@code v3} for the legacy paths, or a date version like {@code 2026-03}
 */
public record HubSpotPaths(String version) {

	public static HubSpotPaths of(String version) {
		if (version == null || version.isBlank() || version.equals("v3")) {
			return new HubSpotPaths("v3");
		}
		if (!version.matches("\\d{4}-\\d{2}")) {
			throw new IllegalArgumentException("not a HubSpot API version: expected v3 or YYYY-MM");
		}
		return new HubSpotPaths(version);
	}

	private boolean legacy() {
		return version.equals("v3");
	}

	public String objects(String objectType) {
		return legacy() ? "/crm/v3/objects/" + objectType : "/crm/objects/" + version + "/" + objectType;
	}

	public String batch(String objectType, String action) {
		return objects(objectType) + "/batch/" + action;
	}

	public String properties(String objectType) {
		return legacy() ? "/crm/v3/properties/" + objectType : "/crm/properties/" + version + "/" + objectType;
	}

	public String propertiesBatchCreate(String objectType) {
		return properties(objectType) + "/batch/create";
	}

	public String propertyGroups(String objectType) {
		return properties(objectType) + "/groups";
	}

	public String associationsBatchCreate(String from, String to) {
		return associationsBatch(from, to, "create");
	}

	/** v4 association batch endpoints: {@code create}, {@code read}, {@code archive}. */
	public String associationsBatch(String from, String to, String action) {
		return (legacy() ? "/crm/v4/associations/" : "/crm/associations/" + version + "/") + from + "/" + to
				+ "/batch/" + action;
	}

	public String owners() {
		return legacy() ? "/crm/v3/owners" : "/crm/owners/" + version;
	}

	public String pipelines(String objectType) {
		return legacy() ? "/crm/v3/pipelines/" + objectType : "/crm/pipelines/" + version + "/" + objectType;
	}
}
