package dev.qlens.cli.plot;

import java.util.List;

/**
 * Colours that stay distinguishable under the common colour-vision deficiencies: the Okabe–Ito set
 * (Okabe and Ito, "Color Universal Design", 2008), in an order that puts the most separable first.
 * Beyond eight series the colours repeat with a dash pattern, so no two series look the same.
 */
public final class Palette {
    /** Blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black. */
    public static final List<String> COLORS = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000");
    private static final String[] DASHES = {null, "7 3", "2 2", "9 3 2 3"};

    /** Neutral grey for grids and reference lines. */
    public static final String GRID = "#E3E3E3";
    /** Axis and text colour. */
    public static final String INK = "#222222";
    /** Muted text. */
    public static final String MUTED = "#666666";

    private Palette() {
    }

    /** The colour of series {@code i}. */
    public static String color(int i) {
        return COLORS.get(Math.floorMod(i, COLORS.size()));
    }

    /** The dash pattern of series {@code i}: solid for the first eight, then patterns. */
    public static String dash(int i) {
        return DASHES[Math.floorMod(i / COLORS.size(), DASHES.length)];
    }
}
