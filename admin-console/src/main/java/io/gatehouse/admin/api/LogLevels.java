package io.gatehouse.admin.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code /logging/level}: the error log's levels per logger, read and changed while Gatehouse runs (a
 * change lasts until the next restart). Only when the logging backend is logback, as Gatehouse ships.
 */
final class LogLevels {
    static final String LEVELS = "TRACE, DEBUG, INFO, WARN, ERROR, OFF, or null to inherit";

    ObjectNode of(String name) {
        Logger logger = context().getLogger(name);
        return state(logger);
    }

    ObjectNode all() {
        ObjectNode o = Replies.object();
        ArrayNode loggers = o.putArray("loggers");
        for (Logger l : context().getLoggerList()) {
            if (l.getLevel() != null) {
                loggers.add(state(l));
            }
        }
        return o;
    }

    /** Sets {@code name}'s level ({@code null}: inherit its parent's; not for ROOT) and answers its new state. */
    ObjectNode set(String name, String level) {
        Logger logger = context().getLogger(name);
        Level parsed = null;
        if (level != null) {
            String upper = level.toUpperCase(Locale.ROOT);
            parsed = Level.toLevel(upper, null);
            if (parsed == null || !parsed.toString().equals(upper)) {
                throw new AdminHandler.BadRequest("level must be " + LEVELS + ", got " + level);
            }
        } else if (name.equalsIgnoreCase(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            throw new AdminHandler.BadRequest("the ROOT logger needs a level");
        }
        logger.setLevel(parsed);
        return state(logger);
    }

    private static ObjectNode state(Logger l) {
        ObjectNode o = Replies.object();
        o.put("name", l.getName());
        o.put("level", l.getLevel() == null ? null : l.getLevel().toString());
        o.put("effective_level", l.getEffectiveLevel().toString());
        return o;
    }

    private static LoggerContext context() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("the logging backend is not logback; levels cannot be changed");
    }
}
