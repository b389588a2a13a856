package dev.ppc.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesTest {
    @Test
    void numelOfScalarEmptyAndRegularShapes() {
        assertEquals(1, Shapes.numel(new long[0]));
        assertEquals(0, Shapes.numel(new long[] {3, 0, 5}));
        assertEquals(60, Shapes.numel(new long[] {3, 4, 5}));
        assertThrows(IllegalArgumentException.class, () -> Shapes.numel(new long[] {2, -1}));
        assertThrows(ArithmeticException.class,
                () -> Shapes.numel(new long[] {1L << 40, 1L << 40}));
    }

    @Test
    void rowMajorStrides() {
        assertArrayEquals(new long[] {20, 5, 1}, Shapes.strides(new long[] {3, 4, 5}));
        assertArrayEquals(new long[0], Shapes.strides(new long[0]));
        assertArrayEquals(new long[] {5, 5, 1}, Shapes.strides(new long[] {2, 0, 5}));
    }

    @Test
    void broadcastFollowsNumpyRules() {
        assertArrayEquals(new long[] {2, 3, 4},
                Shapes.broadcast(new long[] {2, 1, 4}, new long[] {3, 1}));
        assertArrayEquals(new long[] {5}, Shapes.broadcast(new long[0], new long[] {5}));
        assertArrayEquals(new long[0], Shapes.broadcast(new long[0], new long[0]));
        assertArrayEquals(new long[] {0, 3}, Shapes.broadcast(new long[] {1, 3}, new long[] {0, 1}));
        assertArrayEquals(new long[] {2, 3, 4}, Shapes.broadcast(new long[] {4},
                new long[] {3, 1}, new long[] {2, 1, 1}));
    }

    @Test
    void broadcastErrorNamesShapesAndDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.broadcast(new long[] {2, 3}, new long[] {4}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]")
                && e.getMessage().contains("3") && e.getMessage().contains("dimension 1"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Shapes.broadcast(new long[] {0}, new long[] {2}));
    }

    @Test
    void broadcastStridesZeroForStretchedDims() {
        assertArrayEquals(new long[] {0, 0, 1},
                Shapes.broadcastStrides(new long[] {4}, new long[] {2, 3, 4}));
        assertArrayEquals(new long[] {1, 0},
                Shapes.broadcastStrides(new long[] {3, 1}, new long[] {3, 5}));
        assertThrows(IllegalArgumentException.class,
                () -> Shapes.broadcastStrides(new long[] {3}, new long[] {4}));
    }

    @Test
    void normalizeAxisAcceptsNegativeAndRejectsOutOfRange() {
        assertEquals(2, Shapes.normalizeAxis(-1, 3));
        assertEquals(0, Shapes.normalizeAxis(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.normalizeAxis(3, 3));
        assertTrue(e.getMessage().contains("axis 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.normalizeAxis(-4, 3));
    }
}
