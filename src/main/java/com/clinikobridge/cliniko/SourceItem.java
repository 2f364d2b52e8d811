package com.clinikobridge.cliniko;

/**
 * One item read from a Cliniko source: either a record, or a rejection that says which row or
 * record could not be read and why. Rejections travel through the step like records so that
 * they are counted and reported in the same chunk transaction.
 *
 * @param sourceRef where it came from: {@code "Patients-...csv line 12"} or {@code "patients/123"}
 * @param clinikoId the Cliniko id when known, else null
 * @param record the record, or null for a rejection
 * @param field the column or field at fault (rejection only)
 * @param reason why it was rejected (rejection only)
 */
public record SourceItem<T>(String sourceRef, String clinikoId, T record, String field, String reason) {

	public static <T> SourceItem<T> of(String sourceRef, String clinikoId, T record) {
		return new SourceItem<>(sourceRef, clinikoId, record, null, null);
	}

	public static <T> SourceItem<T> rejected(String sourceRef, String clinikoId, String field, String reason) {
		return new SourceItem<>(sourceRef, clinikoId, null, field, reason);
	}

	public boolean isRejected() {
		return record == null;
	}
}
