package com.clinikobridge.hubspot;

import java.util.Map;

/**
 * What the portal gave the run: the deal pipeline id and the stage id for each Cliniko invoice
 * status code (10 Open, 20 Paid, 30 Closed, 40 Open credit).
 */
public record PortalSchema(String dealPipelineId, Map<Integer, String> dealStageByInvoiceStatus) {

	/** For dry runs: readable placeholders instead of portal ids. */
	public static PortalSchema placeholder() {
		return new PortalSchema("(Cliniko invoices)",
				Map.of(10, "(Open)", 20, "(Paid)", 30, "(Closed)", 40, "(Open credit)"));
	}
}
