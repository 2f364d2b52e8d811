package com.clinikobridge;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.clinikobridge.cli.BridgeCommands;
import com.clinikobridge.job.GracefulStop;

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
			// Our own shutdown hook (below) lets a running job finish its chunk before the context closes.
			context = new SpringApplicationBuilder(ClinikoBridgeApplication.class).registerShutdownHook(false)
				.listeners(new DataFolder())
				.run();
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
		// SIGTERM: the running job stops after its current chunk (STOPPED, restartable), the reports
		// are written, then the process exits.
		CountDownLatch finished = new CountDownLatch(1);
		int[] exitCode = { BridgeCommands.FAILED };
		GracefulStop stop = context.getBean(GracefulStop.class);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (finished.getCount() > 0) {
				stop.requestStop();
				try {
					finished.await(120, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				// The run's own exit code (1: stopped, restartable), not the signal's 143.
				Runtime.getRuntime().halt(exitCode[0]);
			}
		}, "graceful-stop"));
		try {
			code = context.getBean(BridgeCommands.class).execute(args, java.util.Map.of(), System.out, System.err);
			exitCode[0] = code;
		}
		finally {
			context.close();
			finished.countDown();
		}
		System.exit(code);
	}
}
