package com.clinikobridge.hubspot;

import java.util.List;
import java.util.Map;

/**
 * One record to upsert into HubSpot, produced by a mapping: the HubSpot object type, the
 * source key (the Cliniko id as a decimal string, also the value of {@code idProperty}), the
 * properties to write (string values; empty values are left out), and the associations to
 * create, expressed in source keys of records written by earlier steps. A record that could
 * not be mapped carries a rejection instead of properties.
 *
 * @param sourceObject the source object name the key belongs to (e.g. {@code patients})
 * @param sourceRef where the record came from, for reports (file and line, or API path)
 */
public record HubSpotRecord(String objectType, String sourceObject, String sourceKey, String sourceRef,
		String idProperty, Map<String, String> properties, List<AssociationIntent> associations,
		Rejection rejection) {

	/** A record that will not be written, with the field at fault and why. */
	public record Rejection(String field, String reason) {
	}

	/**
	 * An association from this record to a record of another step.
	 * @param toObjectType HubSpot object type of the target (e.g. {@code contacts})
	 * @param toSourceObject source object name of the target (e.g. {@code patients})
	 * @param toSourceKey the target's source key
	 * @param typeId HUBSPOT_DEFINED association type id, direction this → target (e.g. 200)
	 */
	public record AssociationIntent(String toObjectType, String toSourceObject, String toSourceKey, int typeId) {
	}

	public static HubSpotRecord rejected(String objectType, String sourceObject, String sourceKey, String sourceRef,
			String field, String reason) {
		return new HubSpotRecord(objectType, sourceObject, sourceKey, sourceRef, null, Map.of(), List.of(),
				new Rejection(field, reason));
	}

	public boolean isRejected() {
		return rejection != null;
	}
}
