package dev.charms.runner.controller;

/** A finished process in a unit: exit code (128+signal when killed) and its captured stdout and stderr. */
public record ExecResult(int exitCode, String stdout, String stderr) {
}
