//! The process the crash test kills: appends from several tasks as fast as it can and prints
//! `ack <command id> <first position> <last position>` for each append once it is
//! acknowledged. Whatever it printed before SIGKILL must be in the log afterwards.
//!
//! Usage: `crash_child DATA_DIR ROUND TASKS`

use std::io::Write;

use server::log::Log;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, data, round, tasks] = args.as_slice() else {
        anyhow::bail!("usage: crash_child DATA_DIR ROUND TASKS");
    };
    let tasks: usize = tasks.parse()?;
    let log = Log::open(std::path::Path::new(data))?;
    let mut workers = Vec::new();
    for task in 0..tasks {
        let log = log.clone();
        let round = round.clone();
        workers.push(tokio::spawn(async move {
            for i in 0u64.. {
                let command_id = format!("r{round}-t{task}-{i}");
                let appended =
                    log.append(tests::note(&format!("task-{task}"), &command_id)).await?;
                let line = format!(
                    "ack {command_id} {} {}\n",
                    appended.first_position, appended.last_position
                );
                // One write per line, so a kill never leaves half a line that looks whole.
                std::io::stdout().lock().write_all(line.as_bytes())?;
            }
            anyhow::Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    Ok(())
}
