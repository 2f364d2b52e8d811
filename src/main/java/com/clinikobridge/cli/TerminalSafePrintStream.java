package com.clinikobridge.cli;

import java.io.PrintStream;
import java.util.Locale;

import com.clinikobridge.report.SafeText;

/**
 * The console as the commands see it: every text printed goes to the real stream without control
 * characters ({@link SafeText#printable}), so a source value holding an ANSI escape (a patient's
 * name, a HubSpot message) is shown as inert text. Text goes to the delegate in its own encoding;
 * raw bytes written to this stream pass unchanged. Closing it only flushes the delegate.
 */
final class TerminalSafePrintStream extends PrintStream {

	private final PrintStream delegate;

	TerminalSafePrintStream(PrintStream delegate) {
		super(delegate, true);
		this.delegate = delegate;
	}

	@Override
	public void print(String s) {
		delegate.print(SafeText.printable(s));
	}

	@Override
	public void print(Object obj) {
		print(String.valueOf(obj));
	}

	@Override
	public void print(char[] s) {
		print(new String(s));
	}

	@Override
	public void print(char c) {
		print(String.valueOf(c));
	}

	@Override
	public void println(String s) {
		delegate.println(SafeText.printable(s));
	}

	@Override
	public void println(Object obj) {
		println(String.valueOf(obj));
	}

	@Override
	public void println(char[] s) {
		println(new String(s));
	}

	@Override
	public void println(char c) {
		println(String.valueOf(c));
	}

	@Override
	public void println() {
		delegate.println();
	}

	@Override
	public PrintStream printf(String format, Object... args) {
		return format(format, args);
	}

	@Override
	public PrintStream printf(Locale l, String format, Object... args) {
		return format(l, format, args);
	}

	@Override
	public PrintStream format(String format, Object... args) {
		print(String.format(format, args));
		return this;
	}

	@Override
	public PrintStream format(Locale l, String format, Object... args) {
		print(String.format(l, format, args));
		return this;
	}

	@Override
	public PrintStream append(CharSequence csq) {
		print(String.valueOf(csq));
		return this;
	}

	@Override
	public PrintStream append(CharSequence csq, int start, int end) {
		return append(csq == null ? "null" : csq.subSequence(start, end));
	}

	@Override
	public PrintStream append(char c) {
		print(c);
		return this;
	}

	@Override
	public void flush() {
		delegate.flush();
	}

	@Override
	public void close() {
		delegate.flush();
	}
}
