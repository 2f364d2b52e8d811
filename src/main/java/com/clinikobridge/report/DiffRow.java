package com.clinikobridge.report;

/**
 * One property of one record in a sample migration's field-level diff: the Cliniko value, the
 * value sent to HubSpot, the value HubSpot holds when read back, and whether they agree.
 */
public record DiffRow(String object, String clinikoId, String hubspotId, String property, String clinikoValue,
		String sentValue, String hubspotValue, boolean agrees) {
}
