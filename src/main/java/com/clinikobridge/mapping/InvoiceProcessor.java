package com.clinikobridge.mapping;

import java.util.List;

import com.clinikobridge.cliniko.ClinikoInvoice;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko invoice → HubSpot deal in the "Cliniko invoices" pipeline, or a configured one
 * (MAPPING.md, Invoices → deals): stage by status through the mapping file (10 Open, 20 Paid,
 * 30 Closed, 40 Open credit), associated to the patient's contact (type 3, deal → contact).
 */
public final class InvoiceProcessor implements ItemProcessor<SourceItem<ClinikoInvoice>, HubSpotRecord> {

	static final int DEAL_TO_CONTACT = 3;

	private final MappingContext context;

	public InvoiceProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoInvoice> item) {
		ObjectMapping m = ObjectMapping.INVOICES;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoInvoice i = item.record();
		String key = Long.toString(i.id());
		String stage = context.portal().dealStageByInvoiceStatus().get(i.status());
		if (stage == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "status",
					"unknown invoice status " + i.status() + ", expected 10, 20, 30 or 40");
		}
		if (i.patientId() == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "patient",
					"invoice has no patient");
		}
		Props props = new Props(context.mapping(), m).raw(m.idProperty(), key)
			.raw("pipeline", context.portal().dealPipelineId())
			.raw("dealstage", stage)
			.put("name", "Invoice " + (i.number() != null ? i.number().toString() : key))
			.put("total_amount", i.totalAmount())
			.put("issue_date", i.issueDate() == null ? null : i.issueDate() + "T00:00:00Z")
			.put("owner", context.owners().ownerFor(i.practitionerId(), i.practitionerName()))
			.put("number", i.number())
			.put("status", com.clinikobridge.cliniko.ClinikoInvoice.statusName(i.status()))
			.put("tax_amount", i.taxAmount())
			.put("net_amount", i.netAmount())
			.put("outstanding_balance", i.outstandingBalance());
		return HubSpotRecord.of(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(), props.build(), props.sources(),
				List.of(new AssociationIntent("contacts", "patients", Long.toString(i.patientId()), DEAL_TO_CONTACT,
						true)),
				List.of());
	}
}
