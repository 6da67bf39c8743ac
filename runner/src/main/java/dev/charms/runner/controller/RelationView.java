package dev.charms.runner.controller;

/**
 * A relation as one unit sees it: its id, the unit's own endpoint, the application on the other side
 * (its own for a peer relation) and whether it is a peer relation.
 */
record RelationView(int id, String endpoint, String remoteApp, boolean peer) {
}
