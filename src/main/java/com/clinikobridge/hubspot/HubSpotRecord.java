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
		List<Reference> references, String mergedInto, Rejection rejection, Map<String, String> sourceValues) {

	/**
	 * A record to write.
	 * @param sourceValues property → the Cliniko value it was made from, for field-level diffs
	 */
	public static HubSpotRecord of(String objectType, String sourceObject, String sourceKey, String sourceRef,
			String idProperty, Map<String, String> properties, Map<String, String> sourceValues,
			List<AssociationIntent> associations, List<Reference> references) {
		return new HubSpotRecord(objectType, sourceObject, sourceKey, sourceRef, idProperty, properties, associations,
				references, null, null, sourceValues);
	}

	/**
	 * A source record that is not written because it was merged into another one (a merged-away
	 * Cliniko patient): what associates to it goes to {@code survivorKey} instead.
	 */
	public static HubSpotRecord merged(String objectType, String sourceObject, String sourceKey, String sourceRef,
			String survivorKey) {
		return new HubSpotRecord(objectType, sourceObject, sourceKey, sourceRef, null, Map.of(), List.of(), List.of(),
				survivorKey, null, Map.of());
	}

	/**
	 * A property whose value is the HubSpot id of a record of an earlier step (e.g.
	 * {@code hs_product_id}); left out when that record is not in HubSpot.
	 */
	public record Reference(String property, String toSourceObject, String toSourceKey) {
	}

	/** A record that will not be written, with the field at fault and why. */
	public record Rejection(String field, String reason) {
	}

	/**
	 * An association from this record to a record of another step.
	 * @param toObjectType HubSpot object type of the target (e.g. {@code contacts})
	 * @param toSourceObject source object name of the target (e.g. {@code patients})
	 * @param toSourceKey the target's source key
	 * @param typeId HUBSPOT_DEFINED association type id, direction this → target (e.g. 200)
	 * @param required true when the record is rejected if the target is not in HubSpot (a
	 * meeting without its contact); false when the association is simply left out
	 */
	public record AssociationIntent(String toObjectType, String toSourceObject, String toSourceKey, int typeId,
			boolean required) {
	}

	public static HubSpotRecord rejected(String objectType, String sourceObject, String sourceKey, String sourceRef,
			String field, String reason) {
		return new HubSpotRecord(objectType, sourceObject, sourceKey, sourceRef, null, Map.of(), List.of(), List.of(),
				null, new Rejection(field, reason), Map.of());
	}

	public boolean isRejected() {
		return rejection != null;
	}
}
