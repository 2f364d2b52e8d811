package com.clinikobridge.logging;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Keeps database driver failures off the console: a log event that carries a
 * {@link SQLException} or {@link DataAccessException} (their messages can quote SQL and bound
 * values, i.e. patient data), a failed rollback's exception (the transaction manager's) and the
 * connection pool's warnings are denied by the console
 * appender. A log file ({@code LOGGING_FILE_NAME}) still gets them. The console says what
 * happened in one line instead (the command's message, the report's "Stopped by").
 */
@Component
public class ConsoleLogFilter extends Filter<ILoggingEvent> {

	/** The appender Spring Boot's default logback configuration writes the console with. */
	static final String CONSOLE = "CONSOLE";

	public ConsoleLogFilter() {
		install();
	}

	/** Adds this filter to the console appender of the root logger, once; no-op without logback. */
	final void install() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		Appender<ILoggingEvent> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
		if (console != null && console.getCopyOfAttachedFiltersList().stream()
			.noneMatch(f -> f instanceof ConsoleLogFilter)) {
			setName("database-failures-off-console");
			start();
			console.addFilter(this);
		}
	}

	@Override
	public FilterReply decide(ILoggingEvent event) {
		if (event.getLoggerName().startsWith("com.zaxxer.hikari") && event.getLevel().isGreaterOrEqual(Level.WARN)) {
			return FilterReply.DENY;
		}
		if (event.getLoggerName().startsWith("org.springframework.transaction") && event.getThrowableProxy() != null) {
			return FilterReply.DENY; // a rollback that failed: the database went away mid-transaction
		}
		for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
			if (t instanceof ThrowableProxy proxy && (proxy.getThrowable() instanceof SQLException
					|| proxy.getThrowable() instanceof DataAccessException)) {
				return FilterReply.DENY;
			}
		}
		return FilterReply.NEUTRAL;
	}
}
