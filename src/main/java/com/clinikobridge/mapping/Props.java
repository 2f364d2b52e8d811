package com.clinikobridge.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds HubSpot property values (HubSpot DIGEST §8, MAPPING.md conventions): empty and null
 * values are not sent; {@code date} as {@code YYYY-MM-DD}; {@code datetime} as ISO-8601 UTC
 * with a {@code Z}; numbers as plain decimals.
 */
final class Props {

	private final Map<String, String> values = new LinkedHashMap<>();

	Props put(String name, String value) {
		if (value != null && !value.isBlank()) {
			values.put(name, value.strip());
		}
		return this;
	}

	Props put(String name, Long value) {
		return value == null ? this : put(name, value.toString());
	}

	Props put(String name, BigDecimal value) {
		return value == null ? this : put(name, value.toPlainString());
	}

	Props put(String name, LocalDate value) {
		return value == null ? this : put(name, value.toString());
	}

	Props put(String name, Instant value) {
		return value == null ? this : put(name, value.truncatedTo(ChronoUnit.SECONDS).toString());
	}

	Map<String, String> build() {
		return Map.copyOf(values);
	}
}
