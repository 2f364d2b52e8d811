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
 */
public record ClinikoPatient(long id, String firstName, String lastName, String preferredFirstName,
		String email, LocalDate dateOfBirth, String sex, String genderIdentity, String occupation,
		String emergencyContact, String address1, String address2, String address3, String city,
		String state, String postCode, String country, String mobilePhone, String homePhone,
		String workPhone, String otherPhone, String medicalAlerts, String referralSource,
		Instant archivedAt, Long mergedWithPatientId, Instant createdAt, Instant updatedAt) {
}
