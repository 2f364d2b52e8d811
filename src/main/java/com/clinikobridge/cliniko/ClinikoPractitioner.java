package com.clinikobridge.cliniko;

/**
 * A Cliniko practitioner with the email of its user (Cliniko 2025 OpenAPI, Practitioner and
 * User). From CSV exports only the id (when known) and the display name are available.
 *
 * @param id Cliniko practitioner id, or null when only the name is known
 * @param email the practitioner's user email, or null
 */
public record ClinikoPractitioner(Long id, String displayName, String firstName, String lastName,
		String email, boolean active) {
}
