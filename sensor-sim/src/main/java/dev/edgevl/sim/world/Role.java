package dev.edgevl.sim.world;

/** Why an object is in a scene: the one a label refers to, a second object to confuse, or scenery. */
public enum Role {
    PRIMARY,
    DISTRACTOR,
    CLUTTER
}
