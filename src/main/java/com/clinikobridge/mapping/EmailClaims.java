package com.clinikobridge.mapping;

import java.util.Collection;
import java.util.Map;

/**
 * Who keeps a shared email (MAPPING.md, Shared emails): the patient with the lowest Cliniko id.
 * Real runs keep claims in the ledger; dry runs keep theirs in memory, on top of the ledger's.
 */
public interface EmailClaims {

	/** Pre-scan of a whole export: gives the email to the lowest id seen, unless its holder is already written. */
	void preclaim(String email, long patientId);

	/**
	 * {@link #preclaim} for a batch of a pre-scan, as few round trips as the store allows.
	 * @param lowest lower-cased email → the lowest patient id of the batch holding it
	 */
	default void preclaimAll(Map<String, Long> lowest) {
		lowest.forEach(this::preclaim);
	}

	/** Claims an email for a patient; returns the id of the patient that keeps it. */
	long claim(String email, long patientId);

	/**
	 * Looks up, in one go, who holds the emails a chunk's patients are about to claim, so that
	 * {@link #claim} answers them without a round trip each; claims made until {@link #flush}
	 * may be kept back and written together.
	 * @param emails lower-cased emails of the chunk's patients
	 */
	default void prefetch(Collection<String> emails) {
	}

	/** Writes the claims kept back since {@link #prefetch}, in the caller's transaction. */
	default void flush() {
	}
}
