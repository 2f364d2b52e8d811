package com.clinikobridge.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;
import com.clinikobridge.hubspot.PropertySpec;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko patient → HubSpot contact (MAPPING.md, Patients → contacts), with its custom fields as
 * {@code cliniko_cf_*} properties and the association to the referring contact's company (type
 * 279, contact → company, when that contact was migrated).
 *
 * <p>
 * Shared emails: the patient with the lowest Cliniko id keeps {@code email}; the others carry it
 * in {@code cliniko_shared_email}. Claims live in the ledger's {@code email_claim} table, written
 * in the chunk's transaction, so a restart gives the same answer. A merged-away patient is not a
 * contact of its own and claims nothing: its records attach to the survivor.
 */
public final class PatientProcessor implements ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> {

	static final int CONTACT_TO_COMPANY = 279;

	private final MappingContext context;

	private final EmailClaims claims;

	public PatientProcessor(MappingContext context, EmailClaims claims) {
		this.context = context;
		this.claims = claims;
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
		if (p.mergedWithPatientId() != null) {
			return HubSpotRecord.merged(m.hubspotType(), m.clinikoName(), key, item.sourceRef(),
					p.mergedWithPatientId().toString());
		}
		String firstName = context.mapping().preferredFirstName() && p.preferredFirstName() != null
				? p.preferredFirstName() : p.firstName();
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.put("first_name", firstName)
			.put("last_name", p.lastName())
			.put("mobile_phone", p.mobilePhone())
			.put("phone", Stream.of(p.homePhone(), p.workPhone(), p.otherPhone())
				.filter(s -> s != null && !s.isBlank())
				.findFirst()
				.orElse(null))
			.put("address", Stream.of(p.address1(), p.address2(), p.address3())
				.filter(s -> s != null && !s.isBlank())
				.collect(Collectors.joining(", ")))
			.put("city", p.city())
			.put("state", p.state())
			.put("post_code", p.postCode())
			.put("country", p.country())
			.put("occupation", p.occupation())
			.put("date_of_birth", p.dateOfBirth())
			.put("sex", p.sex())
			.put("gender_identity", p.genderIdentity())
			.put("medical_alerts", p.medicalAlerts())
			.put("referral_source", p.referralSource())
			.put("emergency_contact", p.emergencyContact())
			.put("archived", p.archivedAt() != null ? "true" : "false")
			.put("created_at", p.createdAt());
		if (p.email() != null && !p.email().isBlank()) {
			String email = p.email().trim();
			long holder = claims.claim(email.toLowerCase(Locale.ROOT), p.id());
			props.put(holder == p.id() ? "email" : "shared_email", email);
		}
		for (ClinikoPatient.CustomFieldAnswer answer : p.customFields()) {
			PropertySpec spec = context.customFieldProperties().get(answer.token());
			if (spec != null) {
				props.raw(spec.name(), customValue(spec, answer.value()));
			}
		}
		List<AssociationIntent> associations = new ArrayList<>();
		if (p.referringContactId() != null) {
			associations.add(new AssociationIntent("companies", "contacts", p.referringContactId().toString(),
					CONTACT_TO_COMPANY, false));
		}
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				associations, List.of());
	}

	/** Choice answers keep only the options HubSpot knows; an "other" text is not an option. */
	private static String customValue(PropertySpec spec, String value) {
		if (!spec.type().equals("enumeration")) {
			return value;
		}
		String kept = Stream.of(value.split(";")).filter(spec.options()::contains).collect(Collectors.joining(";"));
		return kept.isEmpty() ? null : kept;
	}
}
