//! The public head feed (`/ws/head`): every connected screen sees the head move.

use futures_util::StreamExt;
use server::http::Options;
use shared::wire::ServerMessage;
use tokio_tungstenite::tungstenite::Message;

async fn next_head<S>(socket: &mut S) -> u64
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) => match serde_json::from_str(&text).unwrap() {
                ServerMessage::Head { position, .. } => return position,
                other => panic!("unexpected message {other:?}"),
            },
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[tokio::test]
async fn two_screens_see_the_head_move_after_an_append() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let (mut first, _) = tokio_tungstenite::connect_async(app.ws_url("/ws/head")).await.unwrap();
    let (mut second, _) = tokio_tungstenite::connect_async(app.ws_url("/ws/head")).await.unwrap();
    assert_eq!(next_head(&mut first).await, 0);
    assert_eq!(next_head(&mut second).await, 0);

    app.log.append(tests::note("s", "c1")).await.unwrap();
    assert_eq!(next_head(&mut first).await, 1);
    assert_eq!(next_head(&mut second).await, 1);
    app.stop().await;
}
