package com.clinikobridge.mapping;

/**
 * Who keeps a shared email (MAPPING.md, Shared emails): the patient with the lowest Cliniko id.
 * Real runs keep claims in the ledger; dry runs keep theirs in memory, on top of the ledger's.
 */
public interface EmailClaims {

	/** Pre-scan of a whole export: gives the email to the lowest id seen, unless its holder is already written. */
	void preclaim(String email, long patientId);

	/** Claims an email for a patient; returns the id of the patient that keeps it. */
	long claim(String email, long patientId);
}
