package com.clinikobridge.job;

/** A bad option or setting: exit code 2, with a message that names it. */
public class ConfigurationException extends RuntimeException {

	public ConfigurationException(String message) {
		super(message);
	}
}
