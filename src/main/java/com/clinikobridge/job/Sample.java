package com.clinikobridge.job;

import java.util.Set;

/**
 * The records of a sample run ({@code migrate --sample=N}): the chosen patients, the patients
 * merged into them (whose records attach to them), and the contacts that referred them.
 * Related appointments, notes, invoices and invoice items go with their patient.
 */
public record Sample(Set<Long> patients, Set<Long> mergedIntoSample, Set<Long> referrers) {

	/** Whether a record of this patient belongs to the sample (directly or through a merge). */
	public boolean hasPatient(Long patientId) {
		return patientId != null && (patients.contains(patientId) || mergedIntoSample.contains(patientId));
	}
}
