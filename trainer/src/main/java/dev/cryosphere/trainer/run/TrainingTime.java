package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point or length in training time as run.yaml gives it (keys {@code epochs}, {@code scheduler.milestones},
 * {@code tau_epochs}): a whole number of epochs ({@code 40}), or a number with its unit: {@code 40 epochs},
 * {@code 80000 images} (images seen) or {@code 2500 steps} (optimiser steps of {@code batch_size} images).
 *
 * <p>Why images and steps: a schedule in epochs does on 200,000 particles 100 times the steps it does on 2,000, while
 * what the optimiser needs (a learning rate decayed after the segmentation has moved, a ramp that ends) is counted in
 * steps. Images and steps are converted to epochs of the dataset being trained ({@link #epochs}); the trainer evaluates
 * schedules at fractional epochs, so a milestone can fall inside an epoch.
 */
public record TrainingTime(double amount, Unit unit) {
    /** The units of training time. */
    public enum Unit { EPOCHS, IMAGES, STEPS }

    private static final Pattern TEXT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)\\s*(epochs?|images?|steps?)\\s*");

    public TrainingTime {
        if (!(amount > 0) || !Double.isFinite(amount))
            throw new IllegalArgumentException("must be positive, got " + amount);
        if (unit == null) throw new IllegalArgumentException("no unit");
    }

    /** A whole number of epochs. */
    public static TrainingTime epochs(int n) {
        return new TrainingTime(n, Unit.EPOCHS);
    }

    /** From run.yaml: a whole number (epochs), or a string "N epochs|images|steps". */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static TrainingTime parse(JsonNode v) {
        if (v == null || v.isNull()) throw new IllegalArgumentException("has no value (leave the key out for its default)");
        if (v.isIntegralNumber()) {
            if (v.longValue() < 1) throw new IllegalArgumentException("must be at least 1 (epochs), got " + v.asText());
            return epochs(v.intValue());
        }
        if (v.isNumber())
            throw new IllegalArgumentException("must be a whole number of epochs or a number with its unit (e.g. '30000 images' "
                    + "or '1000 steps'), got " + v.asText());
        Matcher m = TEXT.matcher(v.asText());
        if (!m.matches())
            throw new IllegalArgumentException("expected a whole number of epochs or '<number> epochs|images|steps', got '"
                    + v.asText() + "'");
        String u = m.group(2).toLowerCase(Locale.ROOT);
        Unit unit = u.startsWith("epoch") ? Unit.EPOCHS : u.startsWith("image") ? Unit.IMAGES : Unit.STEPS;
        double amount = Double.parseDouble(m.group(1));
        if (unit == Unit.EPOCHS && amount != Math.rint(amount))
            throw new IllegalArgumentException("epochs must be a whole number, got " + m.group(1) + " (give images or steps "
                    + "for a point inside an epoch)");
        return new TrainingTime(amount, unit);
    }

    /** As run.yaml takes it back: whole epochs as a number, anything else with its unit. */
    @JsonValue
    public Object yaml() {
        if (unit == Unit.EPOCHS) return (int) amount;
        String n = amount == Math.rint(amount) ? String.valueOf((long) amount) : String.valueOf(amount);
        return n + " " + unit.name().toLowerCase(Locale.ROOT);
    }

    /** In epochs (fractions allowed) of a dataset of {@code images} images trained in batches of {@code batch}. */
    public double epochs(long images, int batch) {
        if (images < 1 || batch < 1) throw new IllegalArgumentException("images and batch must be positive");
        return switch (unit) {
            case EPOCHS -> amount;
            case IMAGES -> amount / images;
            case STEPS -> amount * batch / images;
        };
    }

    /** As a length of training: whole epochs, rounded up (a run ends at an epoch's end), at least one. */
    public int wholeEpochs(long images, int batch) {
        double e = epochs(images, batch);
        return (int) Math.max(1, Math.ceil(e - 1e-9));
    }

    @Override
    public String toString() {
        return String.valueOf(yaml());
    }
}
