package com.clinikobridge.mapping;

import java.time.Duration;
import java.util.List;

import com.clinikobridge.cliniko.ClinikoAppointment;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko individual appointment → HubSpot meeting (MAPPING.md, Individual appointments →
 * meetings), associated to the patient's contact (type 200, meeting → contact; a merged-away
 * patient's survivor). Outcome by the mapping file's value map: cancelled, else did not arrive,
 * else future (starts after the run's start time), else past.
 */
public final class AppointmentProcessor implements ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> {

	static final int MEETING_TO_CONTACT = 200;

	private final MappingContext context;

	public AppointmentProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoAppointment> item) {
		ObjectMapping m = ObjectMapping.APPOINTMENTS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoAppointment a = item.record();
		String key = Long.toString(a.id());
		if (a.startsAt() == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "starts_at",
					"no start time: HubSpot meetings need hs_timestamp");
		}
		String state = a.cancelledAt() != null ? "cancelled" : Boolean.TRUE.equals(a.didNotArrive()) ? "did_not_arrive"
				: a.startsAt().isAfter(context.runStartedAt()) ? "future" : "past";
		String title = a.appointmentTypeName() == null ? "Appointment" : a.appointmentTypeName();
		if (a.practitionerName() != null) {
			title = title + " with " + a.practitionerName();
		}
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.raw("hs_timestamp", Props.iso(a.startsAt()))
			.put("starts_at", a.startsAt())
			.put("ends_at", a.endsAt())
			.put("title", title)
			.put("outcome", context.mapping().outcomes().get(state))
			.put("business", a.businessName())
			.put("notes", a.notes())
			.put("owner", context.owners().ownerFor(a.practitionerId(), a.practitionerName()))
			.put("appointment_type", a.appointmentTypeName());
		if (a.endsAt() != null) {
			props.put("duration_minutes", Duration.between(a.startsAt(), a.endsAt()).toMinutes());
		}
		if (a.cancelledAt() != null) {
			props.put("cancellation_reason", a.cancellationReason());
		}
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				List.of(new AssociationIntent("contacts", "patients", Long.toString(a.patientId()), MEETING_TO_CONTACT,
						true)),
				List.of());
	}
}
