package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SequencePlotTest {
    /** Chain A 5…104, chain B 1…50: residue indices 0…149. */
    static SequencePlot.Residues twoChains() {
        int n = 150;
        String[] chain = new String[n], label = new String[n];
        int[] number = new int[n];
        for (int i = 0; i < n; i++) {
            chain[i] = i < 100 ? "A" : "B";
            number[i] = i < 100 ? i + 5 : i - 99;
            label[i] = String.valueOf(number[i]);
        }
        return new SequencePlot.Residues(chain, number, label);
    }

    @Test
    void ticksNameChainAndResidueNumberAtRoundNumbers() {
        List<Svg.Tick> t = SequencePlot.ticks(twoChains(), 12);
        assertTrue(t.size() <= 12 && t.size() >= 4, t.toString());
        assertEquals(new Svg.Tick(15, "A:20"), t.get(0), "first round number of chain A, at its index");
        assertTrue(t.stream().anyMatch(k -> k.label().startsWith("B:")), "chain B is labelled too");
        for (Svg.Tick k : t) assertTrue(k.label().matches("[AB]:\\d+"), k.label());
    }

    @Test
    void stripColoursRunsOfResiduesAndMarksTheChainStart() {
        int[] owner = new int[150];
        for (int i = 0; i < 150; i++) owner[i] = i < 60 ? 0 : 1;
        String svg = SequencePlot.strip("s", twoChains(), owner, List.of("segment 0", "segment 1"));
        // runs: A 0-59 (seg 0), A 60-99 (seg 1), B (seg 1): three cells
        assertEquals(3, svg.split("class=\"bar\"").length - 1);
        assertTrue(svg.contains("segment 0 A:5–A:64"));
        assertTrue(svg.contains(">segment 1</text>"), "cells are labelled, no legend column");
        assertEquals(1, svg.split("class=\"chain-start\"").length - 1);
        assertTrue(svg.contains(">chain B</text>"));
    }

    @Test
    void membershipDrawsOneCurvePerSegment() {
        double[][] w = new double[150][2];
        for (int i = 0; i < 150; i++) { w[i][0] = i < 60 ? 1 : 0; w[i][1] = 1 - w[i][0]; }
        String svg = SequencePlot.membership("m", twoChains(), w, List.of("segment 0", "segment 1"));
        assertEquals(2, svg.split("class=\"series\"").length - 1);
        assertTrue(svg.contains(">A:20</text>"));
    }
}
