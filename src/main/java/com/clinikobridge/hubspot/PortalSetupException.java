package com.clinikobridge.hubspot;

/**
 * The portal lacks or refuses something the mapping needs (a pipeline, a stage, properties),
 * with what to configure instead. The message is ours and quotes no record values.
 */
public class PortalSetupException extends RuntimeException {

	public PortalSetupException(String message) {
		super(message);
	}

	public PortalSetupException(String message, Throwable cause) {
		super(message, cause);
	}
}
