package org.understudy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a YAML file into a tree, turning I/O and syntax failures into {@link ConfigException}s that name the file. */
final class YamlFiles {
    /** A parser factory, not a mapper: see {@link JsonTrees}. */
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlFiles() {
    }

    static JsonNode read(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            throw new ConfigException(file, "file", "does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(file, "file", "is a directory, not a file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "file", "does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, "file", "cannot be read (permission denied)");
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot be read (" + e.getMessage() + ")");
        }
        JsonNode root;
        try {
            try (JsonParser p = YAML.createParser(text)) {
                root = JsonTrees.read(p);
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(file, "yaml", "syntax error" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(file, "file", "is empty");
        }
        if (!root.isObject()) {
            throw new ConfigException(file, "file", "must be a YAML mapping of keys to values at the top level");
        }
        return root;
    }
}
