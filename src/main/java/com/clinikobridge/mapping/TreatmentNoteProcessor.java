package com.clinikobridge.mapping;

import java.util.List;

import com.clinikobridge.cliniko.ClinikoTreatmentNote;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko treatment note → HubSpot note (MAPPING.md, Treatment notes → notes):
 * {@code hs_timestamp} = finalized_at, else created_at; the body rendered by
 * {@link NoteRenderer}; the practitioner's owner; {@code cliniko_note_status} draft or final;
 * associated to the patient's contact (type 202, note → contact). Drafts are left out when the
 * mapping's {@code include_draft_notes} is false (returned as null: filtered, not read).
 */
public final class TreatmentNoteProcessor implements ItemProcessor<SourceItem<ClinikoTreatmentNote>, HubSpotRecord> {

	static final int NOTE_TO_CONTACT = 202;

	private final MappingContext context;

	public TreatmentNoteProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoTreatmentNote> item) {
		ObjectMapping m = ObjectMapping.TREATMENT_NOTES;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoTreatmentNote n = item.record();
		String key = Long.toString(n.id());
		if (n.draft() && !context.mapping().includeDraftNotes()) {
			return null;
		}
		if (n.patientId() == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "patient",
					"treatment note has no patient");
		}
		java.time.Instant when = n.finalizedAt() != null ? n.finalizedAt() : n.createdAt();
		if (when == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "created_at",
					"no finalized_at or created_at: HubSpot notes need hs_timestamp");
		}
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.raw("hs_timestamp", Props.iso(when))
			.put("body", NoteRenderer.render(n))
			.put("owner", context.owners().ownerFor(n.practitionerId(), null))
			.put("status", n.draft() ? "draft" : "final");
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				List.of(new AssociationIntent("contacts", "patients", n.patientId().toString(), NOTE_TO_CONTACT, true)),
				List.of());
	}
}
