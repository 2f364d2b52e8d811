package com.clinikobridge.cliniko;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A Cliniko patient as the bridge needs it, read from the API (Cliniko 2025 OpenAPI, Patient)
 * or from the Patients CSV export. Fields the source does not carry are null.
 *
 * @param id Cliniko id (64-bit)
 * @param mobilePhone first number of type Mobile; likewise home, work and other phones
 * @param medicalAlerts medical alert names, one per line (CSV "Medical Alerts")
 * @param referralSource referral type, subcategory and notes joined with " / "
 * @param mergedWithPatientId the surviving patient when this one was merged away
 * @param referringContactId the Cliniko contact that referred the patient (referring doctor,
 * or the referrer of a referral source), or null
 * @param customFields answered custom fields (API only; empty from CSV)
 */
public record ClinikoPatient(long id, String firstName, String lastName, String preferredFirstName,
		String email, LocalDate dateOfBirth, String sex, String genderIdentity, String occupation,
		String emergencyContact, String address1, String address2, String address3, String city,
		String state, String postCode, String country, String mobilePhone, String homePhone,
		String workPhone, String otherPhone, String medicalAlerts, String referralSource,
		Instant archivedAt, Long mergedWithPatientId, Instant createdAt, Instant updatedAt,
		Long referringContactId, java.util.List<CustomFieldAnswer> customFields) {

	/**
	 * One answered patient custom field (Cliniko 2022 "custom patient fields", 2025 Patient
	 * {@code custom_fields}).
	 * @param token the field's token, which keys its definition in {@code /settings}
	 * @param value text, paragraph or date value; for checkboxes and radio buttons the selected
	 * option names joined with ";" (an "other" answer as its text)
	 */
	public record CustomFieldAnswer(String token, String value) {
	}
}
