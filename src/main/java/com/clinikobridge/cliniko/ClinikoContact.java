package com.clinikobridge.cliniko;

import java.time.Instant;

/**
 * A Cliniko contact: a referring doctor, 3rd party payer or standard contact (Cliniko 2025
 * OpenAPI, Contact).
 *
 * @param type "Doctor", "3rd Party Payer" or "Standard"
 * @param phone the first phone number
 */
public record ClinikoContact(long id, String companyName, String firstName, String lastName, String email,
		String phone, String address1, String address2, String address3, String city, String state,
		String postCode, String country, String type, String providerNumber, Instant archivedAt,
		Instant createdAt, Instant updatedAt) {
}
