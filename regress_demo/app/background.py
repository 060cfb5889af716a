"""Training on a second core: a forked process trains while this one loads the drawing code.

A speed-up only. The forked process runs the same trainer (the layer classes of train.py, or the
loop of lockstep.py) on the same settings, and sends back through a pipe the errors of each epoch,
the snapshots of each recorded epoch, and at the end the trained network itself. Meanwhile this
process imports matplotlib and the rest of what draws the frames (a third of a second, on the way
to the first frame either way). On Ctrl-C this process asks the other to stop after its epoch and
keeps what it sent. Where fork is missing (Windows), training runs here, as without this module.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from typing import List, Optional

#: How long to wait for the training process to stop after Ctrl-C before it is killed.
STOP_SECONDS = 2.0
#: The training process sends the errors of the epochs it trained at most this often (and with
#: each frame): one message per epoch would cost more than a fast loop's epoch.
FLUSH_SECONDS = 0.05


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class BackgroundTraining:
    """The interface of train.TrainingGroup and lockstep.Lockstep (snapshots, errors, heldout_errors,
    diverged_at, reached_at, dataset), for a trainer that runs in a forked process. `trained` is the trainer
    itself once the run is over: the other process's, with its final weights (None if it never came)."""

    def __init__(self, training):
        self.trained = None  # the other process's trainer, trained, once it has sent it
        self.dataset = training.dataset
        count = len(training.errors)
        self.errors: List[List[float]] = [[] for _ in range(count)]
        self.heldout_errors: List[List[float]] = [[] for _ in range(count)]
        self.diverged_at: List[Optional[int]] = [None] * count
        self.reached_at: List[Optional[int]] = [None] * count
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        _widen(sender)
        self._stop_receiver, self._stop = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_train,
            args=(training, sender, self._stop_receiver, (self._receiver, self._stop)),
            daemon=True,
        )
        self._process.start()
        sender.close()
        self._stop_receiver.close()

    def snapshots(self, on_epoch=None):
        """The snapshots of each recorded epoch, as the other process trains; on_epoch(epoch, errors)
        after every epoch. On Ctrl-C the other process stops after its epoch; what it trained until
        then is kept (but frames that come after the Ctrl-C are not) and the KeyboardInterrupt goes on."""
        try:
            while True:
                message = self._next()
                if message is None:
                    return
                if message[0] == "epochs" and on_epoch is not None:
                    for epoch, errors, *_ in message[1]:
                        on_epoch(epoch, errors)
                elif message[0] == "frame":
                    yield message[1]
        except KeyboardInterrupt:
            self._finish()
            raise
        finally:
            self.close()

    def _next(self):
        """The next message, with its errors kept; None once the other process is done (or gone)."""
        try:
            message = self._receiver.recv()
        except (EOFError, OSError):  # it ended without a word: killed
            self._process.join(1.0)
            if self._process.exitcode is not None and self._process.exitcode < 0:  # by a signal
                raise KeyboardInterrupt from None
            raise RuntimeError(
                f"the training process ended unexpectedly (exit code {self._process.exitcode})"
            ) from None
        if message[0] == "epochs":
            for _epoch, _errors, new_errors, new_heldout, diverged_at, reached_at in message[1]:
                for history, new in zip(
                    self.errors + self.heldout_errors, new_errors + new_heldout
                ):
                    history.extend(new)
                self.diverged_at, self.reached_at = diverged_at, reached_at
        elif message[0] in ("done", "interrupted"):
            self.trained = message[1]
            if message[0] == "interrupted":
                raise KeyboardInterrupt
            return None
        elif message[0] == "failed":
            raise message[1] from RemoteTraceback(message[2])
        return message

    def _finish(self):
        """After Ctrl-C: ask the other process to stop, and keep the epochs it reports until then."""
        try:
            self._stop.send("stop")
            while self._receiver.poll(STOP_SECONDS) and self._next() is not None:
                pass
        except (OSError, RuntimeError, KeyboardInterrupt):  # gone, or a second Ctrl-C: do not wait
            pass

    def close(self):
        """Make sure the other process is gone (it is, after snapshots(); killed if need be)."""
        if self._process.is_alive():
            self._process.join(0.5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._receiver.close()


#: The pipe holds this much (Linux; 64 kB by default), so that the training process is not held up
#: while this process loads the drawing code and reads nothing: about 400 frames of one network.
PIPE_BYTES = 1 << 20


def _widen(connection):
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):  # not Linux, or a smaller limit: the process waits now and then
        pass


class RemoteTraceback(Exception):
    """Where an error in the training process came from: its traceback, as text."""

    def __str__(self):
        return self.args[0]


def _train(training, sender, stop, theirs):
    """In the other process: train, and send everything back. `theirs`: the first process's ends of
    the pipes, closed here, so that a send fails (instead of waiting for ever) once that process is gone."""
    signal.signal(
        signal.SIGINT, signal.SIG_IGN
    )  # Ctrl-C reaches both processes; the first one stops this one
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for connection in theirs:
        connection.close()
    histories = training.errors + training.heldout_errors
    sent = [len(history) for history in histories]
    parent = os.getppid()

    epochs, flushed = (
        [],
        [time.monotonic()],
    )  # the epochs not sent yet: sent together, a few a second

    def flush():
        if epochs:
            sender.send(("epochs", list(epochs)))
            epochs.clear()
        flushed[0] = time.monotonic()

    def epoch_done(epoch, errors):
        if os.getppid() != parent:  # the first process is gone (killed): so is the reason to train
            os._exit(1)
        new = [history[done:] for history, done in zip(histories, sent)]  # what this epoch added
        sent[:] = [len(history) for history in histories]
        count = len(training.errors)
        stopped_at = list(training.diverged_at), list(training.reached_at)
        epochs.append((epoch, errors, new[:count], new[count:], *stopped_at))
        if time.monotonic() - flushed[0] > FLUSH_SECONDS:
            flush()
        if stop.poll():
            stopped.append(epoch)
            raise KeyboardInterrupt

    stopped = []
    try:
        try:
            for snapshots in training.snapshots(epoch_done):
                flush()
                sender.send(("frame", snapshots))
        except KeyboardInterrupt:  # asked to stop, or raised by the training itself
            flush()
            sender.send(("done" if stopped else "interrupted", training))
        else:
            flush()
            sender.send(("done", training))
    except (BrokenPipeError, EOFError):  # the first process is gone
        os._exit(1)
    except Exception as error:  # noqa: BLE001 - raised again in the first process
        try:
            sender.send(("failed", error, traceback.format_exc()))
        except (BrokenPipeError, EOFError):
            os._exit(1)
        except Exception:  # noqa: BLE001 - an error that does not pickle
            sender.send(
                ("failed", RuntimeError(f"{type(error).__name__}: {error}"), traceback.format_exc())
            )
