package dev.charms.etcd.state;

/** The learner this leader admitted last and when (epoch ms), kept in {@link UnitState#ADMITTED}. */
public record AdmittedLearner(String unit, long atMillis) {
}
