package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Resolves image references ("k@stack.mrcs") against the directory the user gives for images. */
final class ImagePaths {
    private final Object source;
    private final Path root;

    /** @param root directory relative image paths start from */
    ImagePaths(Object source, Path root) {
        this.source = source;
        this.root = root.toAbsolutePath().normalize();
    }

    /** 0-based image index of a RELION reference "k@path" (k is 1-based); a bare path is a single image, index 0. */
    long index(String imageName, String where) {
        int at = imageName.indexOf('@');
        if (at < 0) return 0;
        String k = imageName.substring(0, at);
        long one;
        try {
            one = Long.parseLong(k.trim());
        } catch (NumberFormatException e) {
            throw new InputException(source, where, "image number '" + k + "' in '" + imageName + "' is not an integer");
        }
        if (one < 1) throw new InputException(source, where, "image number in '" + imageName + "' must be ≥ 1 (RELION counts from 1)");
        return one - 1;
    }

    /** Stack path of "k@path" or "path". */
    Path stack(String imageName, String where) {
        return resolve(imageName.substring(imageName.indexOf('@') + 1), where);
    }

    /**
     * The stack as written, relative to the root; when that does not exist, the bare file name in the root (as
     * cryoDRGN does, for metadata moved away from its project). A stack missing either way is left for later
     * validation to report, since reading metadata must not require the images.
     */
    Path resolve(String path, String where) {
        if (path.isEmpty()) throw new InputException(source, where, "empty image path");
        Path written;
        try {
            written = Path.of(path);
        } catch (InvalidPathException e) {
            throw new InputException(source, where, "invalid image path '" + path + "'");
        }
        Path resolved = root.resolve(written).normalize();
        if (Files.exists(resolved) || written.getFileName() == null) return resolved;
        Path bare = root.resolve(written.getFileName()).normalize();
        return Files.exists(bare) ? bare : resolved;
    }
}
