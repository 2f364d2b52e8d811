package com.clinikobridge.cliniko;

/** A value in a Cliniko row or record that cannot be parsed; names the column or field. */
public class ClinikoValueException extends RuntimeException {

	private final String field;

	public ClinikoValueException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return field;
	}
}
