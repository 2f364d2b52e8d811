package com.clinikobridge.cliniko;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Cuts decoded CSV text into records: one physical line, or several when a quoted field holds
 * line breaks (quotes balanced by count). Never holds more than one record in memory: a record
 * may span at most {@link #MAX_RECORD_LINES} lines and {@link #MAX_RECORD_BYTES} bytes; a record
 * beyond 1 MB is skipped to its end (where its quotes balance, within the line limit) without its
 * text being kept. Lines read ahead can be given back
 * ({@link #unread}), so a reader can try a framing and fall back to the line after its first.
 * Line numbers are physical and 1-based; {@link #lines()} counts the lines consumed so far.
 */
final class CsvRecordFramer implements Closeable {

	/** A record's largest size in bytes, counted as UTF-8 (1 MB). */
	static final int MAX_RECORD_BYTES = 1 << 20;

	/** A record's largest number of physical lines. */
	static final int MAX_RECORD_LINES = 200;

	/** One physical line, without its terminator, and its number of quote characters; an oversized line keeps no text. */
	record Line(String text, long bytes, int quotes, boolean oversized) {
	}

	/** What is wrong with a framing: a quote never closed, or more than 1 MB. */
	enum Problem {
		UNCLOSED_QUOTE, TOO_LARGE
	}

	/**
	 * A framed record.
	 * @param firstLine the physical line number it starts on
	 * @param lines its physical lines
	 * @param problem null when the quotes balance within the limits
	 * @param complete whether its quotes balance at its last line (a record too large was skipped whole)
	 */
	record Frame(long firstLine, List<Line> lines, Problem problem, boolean complete) {

		/** The record's text, its lines joined by {@code \n}. */
		String text() {
			StringBuilder text = new StringBuilder();
			for (Line line : lines) {
				if (!text.isEmpty()) {
					text.append('\n');
				}
				text.append(line.text());
			}
			return text.toString();
		}

		long lastLine() {
			return firstLine + lines.size() - 1;
		}
	}

	private final Reader in;

	private final char[] buffer = new char[1 << 14];

	private int position;

	private int limit;

	private final Deque<Line> pushedBack = new ArrayDeque<>();

	private long lines;

	CsvRecordFramer(Reader in) {
		this.in = in;
	}

	/** Physical lines consumed so far (header included). */
	long lines() {
		return lines;
	}

	/** The first line, without a leading BOM; null for an empty text. Oversized: an empty string. */
	String headerLine() {
		Line line = nextLine(MAX_RECORD_BYTES);
		if (line == null) {
			return null;
		}
		String text = line.text();
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	/** Consumes lines, keeping no text, until {@code count} lines in all have been consumed (restart). */
	void skipTo(long count) {
		while (lines < count && nextLine(0) != null) {
			// the text of a skipped line is not kept
		}
	}

	/** The next record, blank lines skipped; null at the end of the text. */
	Frame next() {
		Line first;
		do {
			first = nextLine(MAX_RECORD_BYTES);
			if (first == null) {
				return null;
			}
		}
		while (!first.oversized() && first.text().isBlank());
		long firstLine = lines;
		List<Line> taken = new ArrayList<>();
		taken.add(first);
		long bytes = first.bytes();
		int quotes = first.quotes();
		boolean tooLarge = first.oversized();
		while (quotes % 2 != 0 && taken.size() < MAX_RECORD_LINES) {
			Line more = nextLine(tooLarge ? 0 : MAX_RECORD_BYTES - bytes - 1);
			if (more == null) {
				break;
			}
			taken.add(more);
			bytes += more.bytes() + 1;
			quotes += more.quotes();
			tooLarge |= more.oversized() || bytes > MAX_RECORD_BYTES;
		}
		Problem problem = tooLarge ? Problem.TOO_LARGE : quotes % 2 != 0 ? Problem.UNCLOSED_QUOTE : null;
		return new Frame(firstLine, taken, problem, quotes % 2 == 0);
	}

	/** Gives back every line of a frame: the next {@link #next()} starts where it started. */
	void unread(Frame frame) {
		unreadFrom(frame, 0);
	}

	/** Gives back every line of a frame but its first. */
	void unreadAllButFirst(Frame frame) {
		unreadFrom(frame, 1);
	}

	private void unreadFrom(Frame frame, int from) {
		for (int i = frame.lines().size() - 1; i >= from; i--) {
			pushedBack.push(frame.lines().get(i));
			lines--;
		}
	}

	/**
	 * The next physical line (terminated by LF, CRLF or CR), keeping its text only while it fits
	 * in {@code budget} bytes (a line given back is returned as it was); null at the end of the text.
	 */
	private Line nextLine(long budget) {
		if (!pushedBack.isEmpty()) {
			lines++;
			return pushedBack.pop(); // kept whole: it fitted when first read
		}
		StringBuilder text = new StringBuilder();
		long bytes = 0;
		int quotes = 0;
		boolean any = false;
		while (true) {
			int c = read();
			if (c < 0) {
				if (!any) {
					return null;
				}
				break;
			}
			any = true;
			if (c == '\n') {
				break;
			}
			if (c == '\r') {
				if (peek() == '\n') {
					read();
				}
				break;
			}
			quotes += c == '"' ? 1 : 0;
			bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate((char) c) ? 2 : 3;
			if (bytes <= budget) {
				text.append((char) c);
			}
		}
		lines++;
		return bytes > budget ? new Line("", bytes, quotes, true) : new Line(text.toString(), bytes, quotes, false);
	}

	private int read() {
		if (!fill()) {
			return -1;
		}
		return buffer[position++];
	}

	private int peek() {
		return fill() ? buffer[position] : -1;
	}

	private boolean fill() {
		if (position < limit) {
			return true;
		}
		try {
			int n;
			do {
				n = in.read(buffer);
			}
			while (n == 0);
			if (n < 0) {
				return false;
			}
			position = 0;
			limit = n;
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the CSV export", ex);
		}
	}

	@Override
	public void close() throws IOException {
		in.close();
	}
}
