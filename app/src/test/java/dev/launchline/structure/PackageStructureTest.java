package dev.launchline.structure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the production code, checked on its compiled classes: a newcomer can change one
 * feature without being dragged through the others.
 */
class PackageStructureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.launchline");
    }

    @Test
    void no_package_imports_a_package_that_imports_it_back() {
        // each top-level package under dev.launchline is a slice; the root package is one too
        slices().matching("dev.launchline.(*)..").should().beFreeOfCycles().check(production);
    }
}
