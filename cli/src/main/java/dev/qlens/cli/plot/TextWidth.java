package dev.qlens.cli.plot;

/**
 * Advance width of text in DejaVu Sans (the face the pictures ask for first), from the font's
 * advance widths for printable ASCII in thousandths of an em. Layout uses this table instead of the
 * JDK's font metrics so that an SVG is the same byte for byte on every machine and JDK (installed
 * fonts differ); PNG uses the same layout. Narrower fallback faces only leave a little more room.
 */
public final class TextWidth {
    private static final short[] PLAIN = {
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
        636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
        557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
        635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
        592, 592, 525, 636, 337, 636, 838};
    private static final short[] BOLD = {
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
        696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775,
        637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675,
        716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
        645, 652, 582, 712, 365, 712, 838};

    private TextWidth() {
    }

    /** Width in pixels of {@code s} at font size {@code size}. */
    public static double of(String s, double size, boolean bold) {
        short[] table = bold ? BOLD : PLAIN;
        long milli = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            milli += c >= 32 && c < 127 ? table[c - 32] : c == '·' ? 318 : 838;
        }
        return milli * size / 1000.0;
    }
}
