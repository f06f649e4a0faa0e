package io.homefleet.e2e.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package graph docs/ARCHITECTURE.md draws, held on the compiled classes of every module. */
@AnalyzeClasses(packages = "io.homefleet", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule agentNeverSeesTheController = noClasses().that().resideInAPackage("io.homefleet.agent..")
      .should().dependOnClassesThat().resideInAPackage("io.homefleet.controller..");

  @ArchTest
  static final ArchRule controllerNeverSeesTheAgent = noClasses().that().resideInAPackage("io.homefleet.controller..")
      .should().dependOnClassesThat().resideInAPackage("io.homefleet.agent..");

  @ArchTest
  static final ArchRule sharedModulesSeeNeitherEnd = noClasses()
      .that().resideInAnyPackage("io.homefleet.proto..", "io.homefleet.pki..", "io.homefleet.playbook..")
      .should().dependOnClassesThat().resideInAnyPackage("io.homefleet.agent..", "io.homefleet.controller..");

  @ArchTest
  static final ArchRule onlyTheWirePackagesSeeProtobuf = noClasses()
      .that().resideInAnyPackage("io.homefleet.controller..", "io.homefleet.agent..")
      .and().resideOutsideOfPackages("io.homefleet.controller.session..", "io.homefleet.controller.rpc..",
          "io.homefleet.controller.cli..", "io.homefleet.controller.auth..", "io.homefleet.controller.telemetry..",
          "io.homefleet.agent.session..", "io.homefleet.agent.telemetry..", "io.homefleet.agent.worker..",
          "io.homefleet.agent.play..")
      .should().dependOnClassesThat().resideInAnyPackage("io.homefleet.proto.v1..", "com.google.protobuf..");

  /**
   * The resident agent hands its plays to the play worker process and loads none of the play
   * engine itself (docs/operations.md, "The play worker"): its session and the worker's handle
   * see neither the worker's side nor the playbook's runner, templates, plans or JSON.
   */
  @ArchTest
  static final ArchRule theAgentProcessLeavesThePlayEngineToItsWorker = noClasses()
      .that().resideInAnyPackage("io.homefleet.agent.session..", "io.homefleet.agent.worker..")
      .should().dependOnClassesThat().resideInAnyPackage("io.homefleet.agent.play..", "io.homefleet.playbook.run..",
          "io.homefleet.playbook.template..", "io.homefleet.playbook.plan..", "io.homefleet.playbook.model..",
          "com.hubspot..", "com.fasterxml..");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.homefleet.(**)").should().beFreeOfCycles();
}
