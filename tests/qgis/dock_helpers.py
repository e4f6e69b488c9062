"""Helpers for tests that drive the dock."""

import time

from qgis.core import QgsApplication


def wait_until(done, seconds=120):
    """Process Qt events until ``done()`` is true (tasks report back through the event loop)."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.02)
    return done()


def wait_for(dock, seconds=120):
    assert wait_until(lambda: dock.task is None, seconds), "the run did not finish"


def wait_for_check(dock, seconds=60):
    """The engine's ``info`` on the chosen scene has answered."""
    assert wait_until(lambda: dock.checking is None, seconds), "the scene check did not finish"


def choose(dock, scene, weights, out):
    dock.scene_widget.setFilePath(str(scene))
    dock.weights_widget.setFilePath(str(weights))
    dock.output_widget.setFilePath(str(out))
    dock.device.setCurrentIndex(dock.device.findData("cpu"))
    wait_for_check(dock)
