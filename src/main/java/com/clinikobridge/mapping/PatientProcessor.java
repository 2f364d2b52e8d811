package com.clinikobridge.mapping;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.ledger.Ledger;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko patient → HubSpot contact (MAPPING.md, Patients → contacts). Shared emails: the
 * patient with the lowest Cliniko id keeps {@code email}; the others carry it in
 * {@code cliniko_shared_email}. Claims are kept in the ledger's {@code email_claim} table in
 * the chunk's transaction, so a restart gives the same answer.
 */
public final class PatientProcessor implements ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> {

	private final MappingContext context;

	private final Ledger ledger;

	public PatientProcessor(MappingContext context, Ledger ledger) {
		this.context = context;
		this.ledger = ledger;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoPatient> item) {
		ObjectMapping m = ObjectMapping.PATIENTS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoPatient p = item.record();
		String key = Long.toString(p.id());
		String firstName = context.preferredFirstName() && p.preferredFirstName() != null ? p.preferredFirstName()
				: p.firstName();
		Props props = new Props().put(m.idProperty(), key)
			.put("firstname", firstName)
			.put("lastname", p.lastName())
			.put("mobilephone", p.mobilePhone())
			.put("phone", Stream.of(p.homePhone(), p.workPhone(), p.otherPhone())
				.filter(s -> s != null && !s.isBlank())
				.findFirst()
				.orElse(null))
			.put("address", Stream.of(p.address1(), p.address2(), p.address3())
				.filter(s -> s != null && !s.isBlank())
				.collect(Collectors.joining(", ")))
			.put("city", p.city())
			.put("state", p.state())
			.put("zip", p.postCode())
			.put("country", p.country())
			.put("jobtitle", p.occupation())
			.put("cliniko_date_of_birth", p.dateOfBirth())
			.put("cliniko_sex", p.sex())
			.put("cliniko_gender_identity", p.genderIdentity())
			.put("cliniko_medical_alerts", p.medicalAlerts())
			.put("cliniko_referral_source", p.referralSource())
			.put("cliniko_emergency_contact", p.emergencyContact())
			.put("cliniko_archived", p.archivedAt() != null ? "true" : "false")
			.put("cliniko_created_at", p.createdAt());
		if (p.email() != null && !p.email().isBlank()) {
			String email = p.email().trim();
			long holder = ledger.claimEmail(email.toLowerCase(Locale.ROOT), p.id());
			props.put(holder == p.id() ? "email" : "cliniko_shared_email", email);
		}
		return new HubSpotRecord(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(),
				props.build(), List.of(), null);
	}
}
