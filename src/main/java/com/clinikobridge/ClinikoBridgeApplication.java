package com.clinikobridge;

import com.clinikobridge.cli.BridgeCommands;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point: {@code java -jar cliniko-bridge.jar <command> [options]} (CLI.md). The command
 * line is parsed before Spring starts, so a bad option exits with code 2 at once.
 */
@SpringBootApplication
public class ClinikoBridgeApplication {

	public static void main(String[] args) {
		BridgeCommands.Parsed parsed = BridgeCommands.parse(args, System.out, System.err);
		if (parsed.exitCode() != null) {
			System.exit(parsed.exitCode());
		}
		int code;
		ConfigurableApplicationContext context;
		try {
			// No args: Spring must not read --source=... as a property.
			context = new SpringApplicationBuilder(ClinikoBridgeApplication.class).run();
		}
		catch (RuntimeException ex) {
			Throwable root = ex;
			while (root.getCause() != null) {
				root = root.getCause();
			}
			System.err.println("Cannot start: " + root.getMessage()
					+ " (check SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD)");
			System.exit(BridgeCommands.USAGE);
			return;
		}
		try {
			code = context.getBean(BridgeCommands.class).execute(args, java.util.Map.of(), System.out, System.err);
		}
		finally {
			context.close();
		}
		System.exit(code);
	}
}
