package dev.charms.runner.tools;

/**
 * A relation data bag that a commit changed.
 *
 * @param relationId  the relation
 * @param owner       the unit name (unit bag) or application name (application bag)
 * @param application whether it is the application bag
 */
public record BagChange(int relationId, String owner, boolean application) {
}
