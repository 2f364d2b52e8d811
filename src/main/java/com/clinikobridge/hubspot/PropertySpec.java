package com.clinikobridge.hubspot;

import java.util.List;

/**
 * A custom HubSpot property the mapping writes (Properties API, HubSpot DIGEST §8).
 *
 * @param type {@code string}, {@code number}, {@code date}, {@code datetime}, {@code enumeration} or {@code bool}
 * @param fieldType {@code text}, {@code textarea}, {@code number}, {@code date}, {@code booleancheckbox}, ...
 * @param unique true for the unique ID property ({@code hasUniqueValue}) that upserts key on
 * @param options enumeration option values (labels equal values), empty otherwise
 */
public record PropertySpec(String name, String label, String type, String fieldType, boolean unique,
		List<String> options) {

	public static PropertySpec text(String name, String label) {
		return new PropertySpec(name, label, "string", "text", false, List.of());
	}

	public static PropertySpec textarea(String name, String label) {
		return new PropertySpec(name, label, "string", "textarea", false, List.of());
	}

	public static PropertySpec uniqueId(String name, String label) {
		return new PropertySpec(name, label, "string", "text", true, List.of());
	}

	public static PropertySpec number(String name, String label) {
		return new PropertySpec(name, label, "number", "number", false, List.of());
	}

	public static PropertySpec date(String name, String label) {
		return new PropertySpec(name, label, "date", "date", false, List.of());
	}

	public static PropertySpec datetime(String name, String label) {
		return new PropertySpec(name, label, "datetime", "date", false, List.of());
	}

	public static PropertySpec checkbox(String name, String label) {
		return new PropertySpec(name, label, "enumeration", "booleancheckbox", false, List.of("true", "false"));
	}
}
