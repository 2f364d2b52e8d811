package com.clinikobridge.logging;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLogFilterTests {

	private final LoggerContext context = new LoggerContext();

	private final ConsoleLogFilter filter = new ConsoleLogFilter();

	@Test
	void driverFailuresAndPoolWarningsStayOffTheConsole() {
		// given events as a lost connection produces them
		LoggingEvent rollback = event("org.springframework.transaction.support.TransactionTemplate", Level.ERROR,
				new AssertionError("wrapped", new SQLException("Batch entry 0 INSERT INTO rejection VALUES ('Jane')")));
		LoggingEvent dataAccess = event("com.clinikobridge.job.X", Level.WARN,
				new DataIntegrityViolationException("SQL [UPDATE ...]; Key (x)=(Jane)"));
		LoggingEvent pool = event("com.zaxxer.hikari.pool.ProxyConnection", Level.WARN, null);
		LoggingEvent assertion = event("org.springframework.transaction.support.TransactionTemplate", Level.ERROR,
				new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw"));

		// then none of them reaches the console
		assertThat(filter.decide(rollback)).isEqualTo(FilterReply.DENY);
		assertThat(filter.decide(dataAccess)).isEqualTo(FilterReply.DENY);
		assertThat(filter.decide(pool)).isEqualTo(FilterReply.DENY);
		assertThat(filter.decide(assertion)).isEqualTo(FilterReply.DENY);
	}

	@Test
	void otherEventsAreLeftToTheConsole() {
		// given the bridge's own progress line and a failure that is not the database's
		assertThat(filter.decide(event("com.clinikobridge.job.RunLauncher", Level.INFO, null)))
			.isEqualTo(FilterReply.NEUTRAL);
		assertThat(filter.decide(event("com.clinikobridge.job.X", Level.WARN, new IllegalStateException("no"))))
			.isEqualTo(FilterReply.NEUTRAL);
	}

	private LoggingEvent event(String logger, Level level, Throwable failure) {
		return new LoggingEvent(logger, context.getLogger(logger), level, "message", failure, null);
	}
}
